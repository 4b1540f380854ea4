import { useId, useState } from 'react';
import { Link } from 'react-router';
import type { ReportCase, ResolveAction } from '@/lib/api/types';
import { formErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { useShortcuts } from '@/features/shortcuts';
import { useResolve } from '../api/admin';
import { ACTION_LABEL, ACTIONS_FOR, KIND_LABEL, REASON_LABEL } from './labels';
import { UndoButton } from './UndoButton';

const NOTE_MAX = 1000;

/** What was reported, as it is now. */
function Subject({ c }: { c: ReportCase }) {
  const { t } = useI18n();
  const { comment, entry, user } = c.subject;
  const entryLink = entry ? (
    <Link to={paths.entry.getHref(entry.id)} data-shortcut-focus>
      {entry.title || entry.url || t('common.noTitle')}
    </Link>
  ) : null;
  const userLink = user ? (
    <Link to={paths.user.getHref(user.username)} data-shortcut-focus={c.target.kind === 'user' || undefined}>
      {user.display_name || user.username} <span className="muted small">id:{user.username}</span>
    </Link>
  ) : null;
  return (
    <div className="case__subject">
      {c.target.kind === 'comment' ? (
        <>
          <p className="case__line">
            {userLink}
            {entryLink ? (
              <>
                {' '}
                <span className="muted small">{t('admin.on')}</span> {entryLink}
              </>
            ) : null}
          </p>
          {comment ? <blockquote className="case__quote">{comment.comment}</blockquote> : null}
        </>
      ) : (
        <p className="case__line">{c.target.kind === 'user' ? userLink : entryLink}</p>
      )}
      {!comment && !entry && !user ? <p className="muted small">{t('admin.targetGone')}</p> : null}
      <p className="case__states">
        {comment?.hidden ? <span className="badge badge--danger">{t('admin.hiddenComment')}</span> : null}
        {entry?.hidden ? <span className="badge badge--danger">{t('admin.hiddenEntry')}</span> : null}
        {user?.suspended ? <span className="badge badge--danger">{t('admin.suspended')}</span> : null}
      </p>
    </div>
  );
}

function ResolveForm({ c }: { c: ReportCase }) {
  const { t } = useI18n();
  const toast = useToast();
  const resolve = useResolve();
  const id = useId();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = (action: ResolveAction) => {
    if (action === 'suspend_user' && !window.confirm(t('admin.confirmSuspend'))) return;
    setError(null);
    resolve.mutate(
      { caseId: c.id, action, note: note.trim() },
      {
        onSuccess: () => toast.show(t('admin.resolved'), 'success'),
        onError: (err) => setError(formErrors(err, [], t('common.error')).form ?? null),
      },
    );
  };
  return (
    <div className="case__resolve">
      <label className="visually-hidden" htmlFor={`${id}-note`}>
        {t('admin.note')}
      </label>
      <input
        id={`${id}-note`}
        type="text"
        value={note}
        maxLength={NOTE_MAX}
        placeholder={t('admin.notePlaceholder')}
        onChange={(e) => setNote(e.target.value)}
      />
      <div className="case__actions" role="group" aria-label={t('admin.resolveAs')}>
        {ACTIONS_FOR[c.target.kind].map((action) => (
          <button
            key={action}
            type="button"
            className={`button button--small${action === 'dismiss' ? '' : ' button--danger'}`}
            disabled={resolve.isPending}
            onClick={() => act(action)}
          >
            {t(ACTION_LABEL[action] ?? 'admin.action.dismiss')}
          </button>
        ))}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** One reported target with its reports, and the actions that resolve them. */
export function ReportCaseCard({ c, index, selected }: { c: ReportCase; index: number; selected: boolean }) {
  const { t, formatDateTime } = useI18n();
  const { select } = useShortcuts();
  const reasons = new Map<string, number>();
  for (const r of c.recent_reports) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  const resolution = c.resolution ? ACTION_LABEL[c.resolution] : undefined;
  return (
    <article
      className={`card case${selected ? ' is-selected' : ''}`}
      data-shortcut-index={index}
      data-case-id={c.id}
      aria-current={selected ? 'true' : undefined}
      aria-label={t('admin.caseLabel', { kind: t(KIND_LABEL[c.target.kind]), id: c.target.id })}
      onFocus={() => select(index)}
    >
      <div className="case__head">
        <span className="badge">{t(KIND_LABEL[c.target.kind])}</span>
        <strong data-testid="report-count">
          {t(c.report_count === 1 ? 'admin.reportOne' : 'admin.reports', { count: c.report_count })}
        </strong>
        {c.status === 'open' && c.open_count !== c.report_count ? (
          <span className="muted small">{t('admin.openCount', { count: c.open_count })}</span>
        ) : null}
        <ul className="tags case__reasons" aria-label={t('admin.reasons')}>
          {[...reasons].map(([reason, n]) => (
            <li key={reason} className="tag">
              {t(REASON_LABEL[reason as keyof typeof REASON_LABEL] ?? 'report.reason.other')}
              {n > 1 ? ` ×${n}` : ''}
            </li>
          ))}
        </ul>
        <time className="muted small case__date" dateTime={c.last_reported_at}>
          {formatDateTime(c.last_reported_at)}
        </time>
      </div>
      <Subject c={c} />
      <ul className="case__reports">
        {c.recent_reports.map((r) => (
          <li key={r.id}>
            <span className="case__reason">
              {t(REASON_LABEL[r.reason])}
            </span>{' '}
            <span className="muted small">
              {t('admin.reportedBy', { user: r.reporter.username })} · {formatDateTime(r.created_at)}
            </span>
            {r.note ? <p className="case__note">{r.note}</p> : null}
          </li>
        ))}
      </ul>
      {c.status === 'open' ? (
        <ResolveForm c={c} />
      ) : (
        <div className="case__resolution">
          <p className="muted small">
            {t('admin.resolvedAs', {
              action: resolution ? t(resolution) : (c.resolution ?? ''),
              date: formatDateTime(c.resolved_at),
            })}
          </p>
          {c.target.kind === 'comment' && c.subject.comment?.hidden ? (
            <UndoButton undo={{ kind: 'unhide', commentId: c.target.id }} />
          ) : null}
          {c.subject.user?.suspended ? (
            <UndoButton undo={{ kind: 'unsuspend', username: c.subject.user.username }} />
          ) : null}
        </div>
      )}
    </article>
  );
}
