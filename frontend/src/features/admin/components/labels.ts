import type { MessageKey } from '@/i18n/en';
import type { ReportReason, ReportTargetKind, ResolveAction } from '@/lib/api/types';

export const KIND_LABEL: Record<ReportTargetKind, MessageKey> = {
  comment: 'admin.kind.comment',
  entry: 'admin.kind.entry',
  user: 'admin.kind.user',
};

export const REASON_LABEL: Record<ReportReason, MessageKey> = {
  spam: 'report.reason.spam',
  harassment: 'report.reason.harassment',
  illegal: 'report.reason.illegal',
  other: 'report.reason.other',
};

/** The actions that can resolve a case about each kind of target, mildest first. */
export const ACTIONS_FOR: Record<ReportTargetKind, ResolveAction[]> = {
  comment: ['dismiss', 'hide_comment', 'hide_entry', 'suspend_user'],
  entry: ['dismiss', 'hide_entry'],
  user: ['dismiss', 'suspend_user'],
};

/** Every action of the log, the undoing ones too. */
export const ACTION_LABEL: Record<string, MessageKey> = {
  dismiss: 'admin.action.dismiss',
  hide_comment: 'admin.action.hide_comment',
  hide_entry: 'admin.action.hide_entry',
  suspend_user: 'admin.action.suspend_user',
  unsuspend_user: 'admin.action.unsuspend_user',
  unhide_comment: 'admin.action.unhide_comment',
};
