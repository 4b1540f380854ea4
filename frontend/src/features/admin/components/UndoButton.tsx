import { formErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useToast } from '@/components/toast/toastContext';
import { useUndo } from '../api/admin';

type Undo = { kind: 'unsuspend'; username: string } | { kind: 'unhide'; commentId: number };

/** Lifts a suspension or shows a hidden comment again. */
export function UndoButton({ undo }: { undo: Undo }) {
  const { t } = useI18n();
  const toast = useToast();
  const mutation = useUndo();
  const unsuspend = undo.kind === 'unsuspend';
  return (
    <button
      type="button"
      className="button button--small"
      disabled={mutation.isPending}
      aria-label={unsuspend ? t('admin.unsuspendUser', { user: undo.username }) : t('admin.unhideComment')}
      onClick={() =>
        mutation.mutate(undo, {
          onSuccess: () => toast.show(t(unsuspend ? 'admin.unsuspended' : 'admin.unhidden'), 'success'),
          onError: (err) => toast.show(formErrors(err, [], t('common.error')).form ?? t('common.error'), 'error'),
        })
      }
    >
      {t(unsuspend ? 'admin.unsuspend' : 'admin.unhide')}
    </button>
  );
}
