import { charCount, mergeTags, safeHttpUrl, safeNextPath, splitTags } from './url';

describe('safeHttpUrl', () => {
  it('keeps http and https URLs', () => {
    expect(safeHttpUrl('https://example.com/a')).toBe('https://example.com/a');
    expect(safeHttpUrl('http://example.com')).toBe('http://example.com');
  });
  it('rejects every other scheme and garbage', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,hi')).toBeNull();
    expect(safeHttpUrl('/relative')).toBeNull();
    expect(safeHttpUrl('')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });
});

describe('safeNextPath', () => {
  it('accepts local paths only', () => {
    expect(safeNextPath('/alice?tag=x')).toBe('/alice?tag=x');
    expect(safeNextPath('//evil.example')).toBeNull();
    expect(safeNextPath('https://evil.example')).toBeNull();
    expect(safeNextPath('/\\evil.example')).toBeNull();
  });
});

describe('charCount', () => {
  it('counts Unicode scalar values, not UTF-16 units', () => {
    expect(charCount('abc')).toBe(3);
    expect(charCount('日本語')).toBe(3);
    expect(charCount('😀😀')).toBe(2);
  });
});

describe('tags', () => {
  it('splits on whitespace and commas', () => {
    expect(splitTags(' rust, web  db,')).toEqual(['rust', 'web', 'db']);
  });
  it('merges case-insensitively', () => {
    expect(mergeTags(['Rust'], ['rust', 'web'])).toEqual(['Rust', 'web']);
  });
});
