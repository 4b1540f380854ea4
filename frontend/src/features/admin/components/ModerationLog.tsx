import { Link } from 'react-router';
import type { ModerationLogItem } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
import { useModerationLog } from '../api/admin';
import { ACTION_LABEL, KIND_LABEL } from './labels';
import { UndoButton } from './UndoButton';

/** What an action acted on: a link where there is a page for it. */
function Target({ item }: { item: ModerationLogItem }) {
  const { t } = useI18n();
  const { kind, id } = item.target;
  if (kind === 'user' && item.user) {
    return <Link to={paths.user.getHref(item.user.username)}>id:{item.user.username}</Link>;
  }
  if (kind === 'entry') return <Link to={paths.entry.getHref(id)}>{t('admin.targetEntry', { id })}</Link>;
  return <span>{t(kind === 'comment' ? 'admin.targetComment' : 'admin.targetUser', { id })}</span>;
}

/**
 * The ids of the log items whose action a newer item of the list undid (a
 * hidden comment shown again, a suspension lifted): they get no undo button.
 */
function undoneItems(items: ModerationLogItem[]): Set<number> {
  const undone = new Set<number>();
  const unhidden = new Set<number>();
  const unsuspended = new Set<number>();
  // newest first: an undo is seen before what it undid
  for (const item of items) {
    const { kind, id } = item.target;
    if (item.action === 'unhide_comment' && kind === 'comment') unhidden.add(id);
    else if (item.action === 'unsuspend_user' && kind === 'user') unsuspended.add(id);
    else if (item.action === 'hide_comment' && kind === 'comment' && unhidden.has(id)) undone.add(item.id);
    else if (item.action === 'suspend_user' && kind === 'user' && unsuspended.has(id)) undone.add(item.id);
  }
  return undone;
}

function LogRow({ item, undone }: { item: ModerationLogItem; undone: boolean }) {
  const { t, formatDateTime } = useI18n();
  const label = ACTION_LABEL[item.action];
  return (
    <li className="log-item">
      <div className="log-item__text">
        <p className="log-item__line">
          <strong>{label ? t(label) : item.action}</strong> <span className="badge">{t(KIND_LABEL[item.target.kind])}</span>{' '}
          <Target item={item} />
        </p>
        <p className="muted small log-item__meta">
          {t('admin.by', { user: item.actor?.username ?? '—' })} · {formatDateTime(item.created_at)}
          {item.case_id ? ` · ${t('admin.case', { id: item.case_id })}` : ''}
        </p>
        {item.note ? <p className="case__note">{item.note}</p> : null}
      </div>
      {!undone && item.action === 'hide_comment' && item.target.kind === 'comment' ? (
        <UndoButton undo={{ kind: 'unhide', commentId: item.target.id }} />
      ) : null}
      {!undone && item.action === 'suspend_user' && item.user ? (
        <UndoButton undo={{ kind: 'unsuspend', username: item.user.username }} />
      ) : null}
    </li>
  );
}

/** Every moderation action, newest first, with undo where an action can be undone. */
export function ModerationLog({ cursor }: { cursor: string | undefined }) {
  const { t } = useI18n();
  const query = useModerationLog(cursor, true);
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.items.length === 0) return <Empty>{t('admin.logEmpty')}</Empty>;
  const undone = undoneItems(query.data.items);
  return (
    <>
      <ol className="card log-list">
        {query.data.items.map((item) => (
          <LogRow key={item.id} item={item} undone={undone.has(item.id)} />
        ))}
      </ol>
      <Pager nextCursor={query.data.next_cursor} />
    </>
  );
}
