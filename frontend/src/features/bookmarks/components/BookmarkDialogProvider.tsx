import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { BookmarkDialogContext, type BookmarkTarget } from './bookmarkDialogContext';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { Modal } from '@/components/ui/Modal';
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
        const add = paths.add.getHref({ url: next.url, title: next.title });
        navigate(paths.login.getHref(next.url ? add : location.pathname + location.search));
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
