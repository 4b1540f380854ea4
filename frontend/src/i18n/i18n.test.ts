import { en } from './en';
import { ja } from './ja';

describe('translations', () => {
  it('have the same keys and no empty strings', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(ja)) expect(v, k).not.toBe('');
    for (const [k, v] of Object.entries(en)) expect(v, k).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(names(ja[key]), key).toEqual(names(en[key]));
    }
  });
});
