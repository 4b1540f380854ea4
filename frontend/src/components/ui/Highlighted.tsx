import { Fragment } from 'react';
import { excerptSegments, highlightSegments, type TextRange } from '@/lib/highlight';

/**
 * Text with its matched ranges (code points, as the search API gives them) in
 * `<mark>`. With `max`, a long text that matched is cut to the part around
 * its first match. Renders text only, never HTML.
 */
export function Highlighted({ text, ranges, max }: { text: string; ranges?: readonly TextRange[]; max?: number }) {
  if (!ranges || ranges.length === 0) return text;
  const segments = max ? excerptSegments(text, ranges, max) : highlightSegments(text, ranges);
  return segments.map((s, i) =>
    s.match ? <mark key={i}>{s.text}</mark> : <Fragment key={i}>{s.text}</Fragment>,
  );
}
