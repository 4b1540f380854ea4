import { excerptSegments, highlightSegments, normalizeRanges } from './highlight';

/** Whether a string holds a half of a surrogate pair on its own. */
function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Segments written as `plain[mark]plain`, to compare at a glance. */
function show(segments: { text: string; match: boolean }[]): string {
  return segments.map((s) => (s.match ? `[${s.text}]` : s.text)).join('');
}

describe('highlightSegments', () => {
  it('marks a 2-character word inside a Japanese compound', () => {
    expect(show(highlightSegments('死活監視基盤の設計', [{ start: 2, end: 4 }]))).toBe('死活[監視]基盤の設計');
  });

  it('marks several ranges in order, whatever order they come in', () => {
    const text = '監視基盤の再設計と監視';
    expect(
      show(
        highlightSegments(text, [
          { start: 9, end: 11 },
          { start: 0, end: 2 },
          { start: 6, end: 8 },
        ]),
      ),
    ).toBe('[監視]基盤の再[設計]と[監視]');
  });

  it('counts an emoji outside the BMP as one character', () => {
    // '🍣' is two UTF-16 units; the API counts it once.
    expect(show(highlightSegments('🍣と監視🍺', [{ start: 2, end: 4 }]))).toBe('🍣と[監視]🍺');
    expect(show(highlightSegments('a🍣b', [{ start: 1, end: 2 }]))).toBe('a[🍣]b');
    expect(show(highlightSegments('𠮷野家で設計', [{ start: 0, end: 3 }]))).toBe('[𠮷野家]で設計');
  });

  it('never splits a surrogate pair', () => {
    expect(hasLoneSurrogate('😀'.slice(0, 1))).toBe(true);
    const parts = highlightSegments('😀😀😀', [{ start: 1, end: 2 }]).map((s) => s.text);
    expect(parts).toEqual(['😀', '😀', '😀']);
    for (const p of parts) expect(hasLoneSurrogate(p)).toBe(false);
  });

  it('merges overlapping ranges into one mark', () => {
    // bigrams of 障害対応: 障害, 害対, 対応
    const ranges = [
      { start: 0, end: 2 },
      { start: 1, end: 3 },
      { start: 2, end: 4 },
    ];
    expect(show(highlightSegments('障害対応の手引き', ranges))).toBe('[障害対応]の手引き');
  });

  it('merges adjacent ranges and ranges contained in others', () => {
    expect(
      show(
        highlightSegments('rust と go の設計', [
          { start: 0, end: 2 },
          { start: 2, end: 4 },
          { start: 1, end: 2 },
        ]),
      ),
    ).toBe('[rust] と go の設計');
  });

  it('clamps ranges past the end and drops empty, reversed and malformed ones', () => {
    const text = '設計';
    expect(show(highlightSegments(text, [{ start: 1, end: 99 }]))).toBe('設[計]');
    expect(show(highlightSegments(text, [{ start: 1, end: 1 }]))).toBe('設計');
    expect(show(highlightSegments(text, [{ start: 2, end: 1 }]))).toBe('設計');
    expect(show(highlightSegments(text, [{ start: 5, end: 9 }]))).toBe('設計');
    expect(show(highlightSegments(text, [{ start: Number.NaN, end: 1 }]))).toBe('設計');
  });

  it('joins back to the original text', () => {
    const text = 'Rustで設計 👩‍💻 ｒｕｓｔ';
    const segments = highlightSegments(text, [
      { start: 0, end: 4 },
      { start: 5, end: 7 },
      { start: 8, end: 13 },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });

  it('gives one plain segment without ranges and none for an empty text', () => {
    expect(highlightSegments('監視')).toEqual([{ text: '監視', match: false }]);
    expect(highlightSegments('', [{ start: 0, end: 1 }])).toEqual([]);
  });
});

describe('normalizeRanges', () => {
  it('sorts and merges', () => {
    expect(
      normalizeRanges(
        [
          { start: 5, end: 7 },
          { start: 0, end: 2 },
          { start: 6, end: 9 },
        ],
        20,
      ),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 5, end: 9 },
    ]);
  });
});

describe('excerptSegments', () => {
  const long = `${'あ'.repeat(100)}監視${'い'.repeat(100)}`;

  it('shows the part of a long text around its first match', () => {
    const out = show(excerptSegments(long, [{ start: 100, end: 102 }], 20));
    expect(out).toBe(`…${'あ'.repeat(5)}[監視]${'い'.repeat(13)}…`);
  });

  it('keeps a short text whole', () => {
    expect(show(excerptSegments('監視基盤', [{ start: 0, end: 2 }], 20))).toBe('[監視]基盤');
  });

  it('starts at the beginning when the match is near it', () => {
    expect(show(excerptSegments(`監視${'い'.repeat(50)}`, [{ start: 0, end: 2 }], 10))).toBe(`[監視]${'い'.repeat(8)}…`);
  });

  it('ends at the end when the match is near it', () => {
    const text = `${'あ'.repeat(50)}監視`;
    expect(show(excerptSegments(text, [{ start: 50, end: 52 }], 10))).toBe(`…${'あ'.repeat(8)}[監視]`);
  });

  it('counts astral characters as one when cutting', () => {
    const text = `${'🍣'.repeat(30)}監視${'🍺'.repeat(30)}`;
    const segments = excerptSegments(text, [{ start: 30, end: 32 }], 10);
    expect(show(segments)).toBe(`…${'🍣'.repeat(2)}[監視]${'🍺'.repeat(6)}…`);
    for (const s of segments) expect(hasLoneSurrogate(s.text)).toBe(false);
  });
});
