import { paths } from './paths';

describe('paths.user', () => {
  it('builds filter URLs', () => {
    expect(paths.user.getHref('alice', { tag: ['a', 'b'], site: 'x.com' })).toBe('/alice?tag=a&tag=b&site=x.com');
    expect(paths.user.getHref('alice')).toBe('/alice');
  });
});
