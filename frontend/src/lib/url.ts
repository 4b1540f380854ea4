/** Returns the URL when it is an absolute http(s) URL, otherwise null. */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

/** Only same-site paths are acceptable redirect targets after login. */
export function safeNextPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  return value;
}

/** Counts characters the way the server does: Unicode scalar values. */
export function charCount(s: string): number {
  return Array.from(s).length;
}

export const COMMENT_MAX = 100;
export const TAGS_MAX = 10;
export const TAG_MAX_CHARS = 32;

/** Splits typed text into tags: whitespace and commas separate. */
export function splitTags(text: string): string[] {
  return text
    .split(/[\s,、]+/u)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Adds tags case-insensitively without duplicates, keeping the first spelling. */
export function mergeTags(current: string[], added: string[]): string[] {
  const out = [...current];
  for (const t of added) {
    if (!out.some((x) => x.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  return out;
}
