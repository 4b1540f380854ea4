import type { Problem } from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] ??= e.message;
    return out;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** A form's messages: one per field it shows, and `form` for the rest. */
export type FormErrors<F extends string> = Partial<Record<F | 'form', string>>;

/**
 * Maps a failed request to a form's messages. A problem's field error goes
 * beside the form field named by its path's first segment (`tags[2]` → `tags`)
 * when the form shows that field; the other field errors are joined into
 * `form`. Without field errors, `form` holds the problem's own message, and
 * anything that is not an API error gives `fallback`.
 */
export function formErrors<F extends string>(error: unknown, fields: readonly F[], fallback: string): FormErrors<F> {
  if (!(error instanceof ApiError)) return { form: fallback } as FormErrors<F>;
  const out: FormErrors<F> = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(error.fieldErrors())) {
    const base = field.split(/[.[]/)[0] as F;
    if (fields.includes(base)) out[base] ??= message;
    else other.push(message);
  }
  if (other.length) out.form = other.join(' ');
  else if (Object.keys(out).length === 0) out.form = error.message || fallback;
  return out;
}
