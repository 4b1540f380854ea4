import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ReportRequest } from '@/lib/api/types';
import { ApiError } from '@/lib/api/errors';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { useToast } from '@/components/toast/toastContext';
import { MenuButton, type MenuItem } from '@/components/ui/MenuButton';
import { setUserMuted } from '../api/mutes';
import { ReportDialog } from './ReportDialog';

/**
 * The "…" menu of someone's comment or page: mute them (with Undo) and
 * report the comment or them. Nothing for my own, nor when signed out.
 */
export function UserActions({
  username,
  report,
  className,
}: {
  username: string;
  /** What "Report…" reports; no such item without it. */
  report?: ReportRequest['target'];
  className?: string;
}) {
  const { t } = useI18n();
  const { user } = useAuth();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [reporting, setReporting] = useState(false);
  if (!user || user.username.toLowerCase() === username.toLowerCase()) return null;

  const failed = (err: unknown) =>
    toast.show(err instanceof ApiError && err.status !== 500 ? err.message : t('common.error'), 'error');

  const mute = async () => {
    try {
      await setUserMuted(queryClient, username, true);
    } catch (err) {
      failed(err);
      return;
    }
    toast.show(t('mute.muted', { user: username }), 'success', {
      label: t('mute.undo'),
      onClick: () =>
        void setUserMuted(queryClient, username, false).then(
          () => toast.show(t('mute.unmuted', { user: username })),
          failed,
        ),
    });
  };

  const items: MenuItem[] = [{ label: t('mute.user', { user: username }), onSelect: () => void mute() }];
  if (report) items.push({ label: t('report.open'), onSelect: () => setReporting(true) });
  return (
    <>
      <MenuButton
        className={className}
        label={t(report?.kind === 'user' ? 'moderation.menuUser' : 'moderation.menuComment', { user: username })}
        items={items}
      />
      {reporting && report ? (
        <ReportDialog target={report} username={username} onClose={() => setReporting(false)} />
      ) : null}
    </>
  );
}
