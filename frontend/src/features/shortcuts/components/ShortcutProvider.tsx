import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ShortcutContext, isTypingTarget, type ShortcutItem } from './shortcutContext';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { safeHttpUrl } from '@/lib/url';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { Modal } from '@/components/ui/Modal';
import { useBookmarkDialog, useToggleReadLater } from '@/features/bookmarks';

function focusItem(index: number) {
  const el = document.querySelector<HTMLElement>(`[data-shortcut-index="${index}"]`);
  if (!el) return;
  el.scrollIntoView?.({ block: 'nearest' });
  const target = el.querySelector<HTMLElement>('[data-shortcut-focus]') ?? el;
  target.focus({ preventScroll: true });
}

export function ShortcutProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ShortcutItem[]>([]);
  const [selected, setSelected] = useState(-1);
  const [help, setHelp] = useState(false);
  const navigate = useNavigate();
  const dialog = useBookmarkDialog();
  const { user } = useAuth();
  const toast = useToast();
  const { t } = useI18n();
  const toggle = useToggleReadLater();

  const listKey = useRef('');
  const register = useCallback((next: ShortcutItem[]) => {
    setItems(next);
    // A refetch of the same list keeps the selection; a different list resets it.
    const key = next.map((i) => i.url || i.href).join('\n');
    if (key !== listKey.current) {
      listKey.current = key;
      setSelected(-1);
    }
    return () => {
      setItems((cur) => (cur === next ? [] : cur));
    };
  }, []);

  const select = useCallback((i: number) => setSelected(i), []);

  const state = useRef({ items, selected, user, dialogOpen: dialog.isOpen, help });
  useLayoutEffect(() => {
    state.current = { items, selected, user, dialogOpen: dialog.isOpen, help };
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTypingTarget(e.target)) return;
      const s = state.current;
      if (s.dialogOpen || s.help || document.querySelector('[aria-modal="true"]')) return;
      // A page about one item (the entry page) needs no selection first.
      const current = s.selected >= 0 ? s.items[s.selected] : s.items.length === 1 ? s.items[0] : undefined;
      switch (e.key) {
        case 'j':
        case 'k': {
          if (s.items.length === 0) return;
          e.preventDefault();
          const next =
            e.key === 'j'
              ? Math.min(s.selected + 1, s.items.length - 1)
              : Math.max(s.selected < 0 ? 0 : s.selected - 1, 0);
          setSelected(next);
          focusItem(next);
          return;
        }
        case 'o': {
          const url = safeHttpUrl(current?.url);
          if (!url) return;
          e.preventDefault();
          window.open(url, '_blank', 'noopener,noreferrer');
          return;
        }
        case 'e': {
          const to = current?.entryId
            ? paths.entry.getHref(current.entryId)
            : (current?.href ?? (current?.url ? paths.entryByUrl.getHref(current.url) : null));
          if (!to) return;
          e.preventDefault();
          navigate(to);
          return;
        }
        case 'l': {
          if (!current?.url) return;
          e.preventDefault();
          if (!s.user) {
            toast.show(t('bm.loginToBookmark'));
            return;
          }
          toggle.mutate(
            { url: current.url, title: current.title },
            {
              onSuccess: (bm) => toast.show(t(bm.read_later ? 'bm.addedReadLater' : 'bm.removedReadLater'), 'success'),
              onError: () => toast.show(t('common.error'), 'error'),
            },
          );
          return;
        }
        case 'b': {
          e.preventDefault();
          dialog.open(current?.url ? { url: current.url, title: current.title } : {});
          return;
        }
        case '?': {
          e.preventDefault();
          setHelp(true);
          return;
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate, dialog, toast, t, toggle]);

  const value = useMemo(
    () => ({ selected, select, register, showHelp: () => setHelp(true) }),
    [selected, select, register],
  );

  return (
    <ShortcutContext.Provider value={value}>
      {children}
      {help ? <ShortcutHelp onClose={() => setHelp(false)} /> : null}
    </ShortcutContext.Provider>
  );
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const rows: [string, Parameters<typeof t>[0]][] = [
    ['j', 'shortcuts.next'],
    ['k', 'shortcuts.prev'],
    ['o', 'shortcuts.open'],
    ['e', 'shortcuts.comments'],
    ['l', 'shortcuts.readLater'],
    ['b', 'shortcuts.bookmark'],
    ['/', 'shortcuts.search'],
    ['?', 'shortcuts.help'],
  ];
  return (
    <Modal title={t('shortcuts.title')} onClose={onClose}>
      <dl className="shortcut-list">
        {rows.map(([key, label]) => (
          <div key={key} className="shortcut-list__row">
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
