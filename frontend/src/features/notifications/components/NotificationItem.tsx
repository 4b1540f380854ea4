import { Link } from 'react-router';
import type { Notification } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { Avatar } from '@/components/ui/Avatar';
import { Interpolate } from '@/components/ui/Interpolate';
import { NameList } from '@/components/ui/NameList';
import { useShortcuts } from '@/features/shortcuts';

/** What happened, as a sentence: "alice, bob and 3 others starred your comment on …". */
function NotificationText({ n }: { n: Notification }) {
  const { t } = useI18n();
  const e = n.subject.entry;
  const entry = e ? (
    <Link className="notification__entry" to={paths.entry.getHref(e.id)} data-shortcut-focus>
      {e.title || e.url || t('common.noTitle')}
    </Link>
  ) : (
    t('notifications.goneEntry')
  );
  const users = (
    <NameList
      users={n.actors}
      count={n.actor_count}
      className="notification__name"
      others={(k) => t(k === 1 ? 'notifications.otherOne' : 'notifications.others', { count: k })}
    />
  );
  switch (n.kind) {
    case 'star':
      return <Interpolate text={t('notifications.star')} values={{ users, entry }} />;
    case 'follow':
      return <Interpolate text={t('notifications.follow')} values={{ users }} />;
    case 'first_bookmark':
      return <Interpolate text={t('notifications.firstBookmark', { count: n.actor_count })} values={{ entry }} />;
  }
}

export function NotificationItem({ n, index, selected }: { n: Notification; index: number; selected: boolean }) {
  const { t, formatDateTime } = useI18n();
  const { select } = useShortcuts();
  const first = n.actors[0];
  return (
    <li
      className={`card notification notification--${n.kind}${n.read ? '' : ' is-unread'}${selected ? ' is-selected' : ''}`}
      data-shortcut-index={index}
      data-notification-id={n.id}
      aria-current={selected ? 'true' : undefined}
      onFocus={() => select(index)}
    >
      {n.kind === 'first_bookmark' || !first ? (
        <span className="notification__icon" aria-hidden="true">
          {n.kind === 'star' ? '★' : 'B!'}
        </span>
      ) : (
        <Avatar name={first.username} size={36} />
      )}
      <div className="notification__body">
        <p className="notification__text">
          {n.read ? null : <span className="visually-hidden">{t('notifications.unread')}: </span>}
          <NotificationText n={n} />
        </p>
        {n.kind === 'star' && n.subject.comment ? (
          <p className="notification__quote">{n.subject.comment.comment}</p>
        ) : null}
        <time className="muted small" dateTime={n.updated_at}>
          {formatDateTime(n.updated_at)}
        </time>
      </div>
      {n.read ? null : <span className="notification__dot" aria-hidden="true" />}
    </li>
  );
}
