import { useId, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import type { ReportReason, ReportRequest } from '@/lib/api/types';
import { ApiError, formErrors, type FormErrors } from '@/lib/api/errors';
import { charCount } from '@/lib/url';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { useToast } from '@/components/toast/toastContext';
import { Modal } from '@/components/ui/Modal';
import { useReport } from '../api/reports';

export const REPORT_NOTE_MAX = 1000;

const REASONS: { reason: ReportReason; label: MessageKey; hint: MessageKey }[] = [
  { reason: 'spam', label: 'report.reason.spam', hint: 'report.reasonHint.spam' },
  { reason: 'harassment', label: 'report.reason.harassment', hint: 'report.reasonHint.harassment' },
  { reason: 'illegal', label: 'report.reason.illegal', hint: 'report.reasonHint.illegal' },
  { reason: 'other', label: 'report.reason.other', hint: 'report.reasonHint.other' },
];

/** Why a comment or a user is reported, with an optional note for the admins. */
export function ReportDialog({
  target,
  username,
  onClose,
}: {
  target: ReportRequest['target'];
  /** Whose comment, or which user, it is about. */
  username: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const report = useReport();
  const id = useId();
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors<'reason' | 'note'>>({});
  const count = charCount(note);
  const tooLong = count > REPORT_NOTE_MAX;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason || tooLong) return;
    setErrors({});
    const trimmed = note.trim();
    report.mutate(
      { target, reason, ...(trimmed ? { note: trimmed } : {}) },
      {
        onSuccess: ({ created }) => {
          toast.show(t(created ? 'report.sent' : 'report.sentBefore'), 'success');
          onClose();
        },
        onError: (err) => {
          if (err instanceof ApiError && err.status === 429) setErrors({ form: t('report.tooMany') });
          else setErrors(formErrors(err, ['reason', 'note'], t('common.error')));
        },
      },
    );
  };

  return createPortal(
    <Modal title={t(target.kind === 'user' ? 'report.titleUser' : 'report.titleComment', { user: username })} onClose={onClose}>
      <form className="report-form" onSubmit={submit} noValidate>
        <fieldset className="report-form__reasons" aria-describedby={errors.reason ? `${id}-reason-error` : undefined}>
          <legend>{t('report.reason')}</legend>
          {REASONS.map((r) => (
            <label key={r.reason} className="radio">
              <input
                type="radio"
                name={`${id}-reason`}
                value={r.reason}
                checked={reason === r.reason}
                onChange={() => setReason(r.reason)}
              />
              <span className="radio__text">
                {t(r.label)}
                <small>{t(r.hint)}</small>
              </span>
            </label>
          ))}
          {errors.reason ? (
            <p id={`${id}-reason-error`} className="field-error">
              {errors.reason}
            </p>
          ) : null}
        </fieldset>
        <div className="field">
          <div className="field__label-row">
            <label htmlFor={`${id}-note`}>{t('report.note')}</label>
            <span id={`${id}-note-count`} className={`counter${tooLong ? ' counter--over' : ''}`} aria-live="polite">
              {t('bm.counter', { n: count, max: REPORT_NOTE_MAX })}
            </span>
          </div>
          <textarea
            id={`${id}-note`}
            value={note}
            rows={3}
            placeholder={t('report.notePlaceholder')}
            aria-invalid={tooLong || errors.note ? true : undefined}
            aria-describedby={`${id}-note-count${errors.note || tooLong ? ` ${id}-note-error` : ''}`}
            onChange={(e) => setNote(e.target.value)}
          />
          {errors.note || tooLong ? (
            <p id={`${id}-note-error`} className="field-error">
              {errors.note ?? t('report.noteTooLong', { max: REPORT_NOTE_MAX })}
            </p>
          ) : null}
        </div>
        {errors.form ? (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={!reason || tooLong || report.isPending}>
            {report.isPending ? t('common.saving') : t('report.send')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>,
    document.body,
  );
}
