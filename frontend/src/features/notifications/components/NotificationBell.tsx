import { NavLink } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { useUnreadCount } from '../api/notifications';

/** The most a badge spells out; more shows as "99+". */
const BADGE_MAX = 99;

/** The header's bell: how many notifications are unread, and a link to them. */
export function NotificationBell() {
  const { t, formatNumber } = useI18n();
  const { user } = useAuth();
  const unread = useUnreadCount(!!user);
  if (!user) return null;
  const count = unread.data?.unread_count ?? 0;
  const label = count > 0 ? t('notifications.bellUnread', { count }) : t('notifications.title');
  return (
    <NavLink className="bell" to={paths.notifications.getHref()} aria-label={label} title={label}>
      <svg className="bell__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 ? (
        <span className="bell__badge" data-testid="unread-count" aria-hidden="true">
          {count > BADGE_MAX ? `${BADGE_MAX}+` : formatNumber(count)}
        </span>
      ) : null}
    </NavLink>
  );
}
