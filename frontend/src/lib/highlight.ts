// Matched ranges from the search API, turned into text pieces to render.
// The API counts characters as Unicode code points, so every index here is an
// index into `Array.from(text)`, never into the UTF-16 string.

/** Where a text matched: code points `start` up to, not including, `end`. */
export interface TextRange {
  start: number;
  end: number;
}

/** The matched ranges of each field of a search hit; fields without a match may be absent. */
export type HighlightMap = Partial<Record<'title' | 'summary' | 'comment' | 'note', readonly TextRange[]>>;

export interface Segment {
  text: string;
  match: boolean;
}

/**
 * The ranges clamped to `[0, length]`, sorted, without empty or malformed ones,
 * and with overlapping or touching ranges merged, so each match is one mark.
 */
export function normalizeRanges(ranges: readonly TextRange[], length: number): TextRange[] {
  const clean = ranges
    .map((r) => ({ start: Math.max(0, Math.trunc(r.start)), end: Math.min(length, Math.trunc(r.end)) }))
    .filter((r) => Number.isFinite(r.start) && Number.isFinite(r.end) && r.start < r.end)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: TextRange[] = [];
  for (const r of clean) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push(r);
  }
  return out;
}

function segmentsOf(chars: readonly string[], ranges: readonly TextRange[]): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  for (const r of normalizeRanges(ranges, chars.length)) {
    if (r.start > pos) out.push({ text: chars.slice(pos, r.start).join(''), match: false });
    out.push({ text: chars.slice(r.start, r.end).join(''), match: true });
    pos = r.end;
  }
  if (pos < chars.length) out.push({ text: chars.slice(pos).join(''), match: false });
  return out;
}

/** `text` cut into alternating plain and matched pieces that join back to `text`. */
export function highlightSegments(text: string, ranges: readonly TextRange[] = []): Segment[] {
  return segmentsOf(Array.from(text), ranges);
}

const ELLIPSIS = '…';

/** How much of a long text (a summary, a note) a search result shows around its match. */
export const EXCERPT_CHARS = 160;

/**
 * Like `highlightSegments`, but a text longer than `max` code points is cut to
 * a window of `max` around its first match (its start when nothing matched),
 * with "…" where text was left out, so a match deep in a long text is seen.
 */
export function excerptSegments(text: string, ranges: readonly TextRange[], max: number): Segment[] {
  const chars = Array.from(text);
  if (chars.length <= max) return segmentsOf(chars, ranges);
  const first = normalizeRanges(ranges, chars.length)[0];
  // Some words of context before the match, without running past the end.
  const lead = Math.floor(max / 4);
  const start = first ? Math.max(0, Math.min(first.start - lead, chars.length - max)) : 0;
  const end = start + max;
  const window = chars.slice(start, end);
  const shifted = ranges.map((r) => ({ start: r.start - start, end: r.end - start }));
  const segments = segmentsOf(window, shifted);
  if (start > 0) segments.unshift({ text: ELLIPSIS, match: false });
  if (end < chars.length) segments.push({ text: ELLIPSIS, match: false });
  return segments;
}
