import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { BookmarkDialogContext, type BookmarkTarget } from './bookmarkDialogContext';
import { useAuth } from '../api/authContext';
import { useI18n } from '../i18n/i18n';
import { Modal } from './Modal';
import { BookmarkForm } from './BookmarkForm';

export function BookmarkDialogProvider({ children }: { children: ReactNode }) {
  const [target, setTarget] = useState<BookmarkTarget | null>(null);
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const { t } = useI18n();

  const open = useCallback(
    (next: BookmarkTarget = {}) => {
      if (!user) {
        const q = new URLSearchParams();
        if (next.url) q.set('url', next.url);
        if (next.title) q.set('title', next.title);
        const add = `/add${q.size ? `?${q}` : ''}`;
        navigate(`/login?next=${encodeURIComponent(next.url ? add : location.pathname + location.search)}`);
        return;
      }
      setTarget(next);
    },
    [user, navigate, location.pathname, location.search],
  );

  const close = useCallback(() => setTarget(null), []);
  const value = useMemo(() => ({ open, isOpen: target !== null }), [open, target]);

  return (
    <BookmarkDialogContext.Provider value={value}>
      {children}
      {target ? (
        <Modal title={target.edit ? t('bm.dialogTitleEdit') : t('bm.dialogTitleNew')} onClose={close} wide>
          <BookmarkForm
            key={target.url ?? ''}
            initialUrl={target.url}
            initialTitle={target.title}
            onDone={close}
            onCancel={close}
          />
        </Modal>
      ) : null}
    </BookmarkDialogContext.Provider>
  );
}
