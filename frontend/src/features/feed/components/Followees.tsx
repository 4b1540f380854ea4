import { Fragment } from 'react';
import { Link } from 'react-router';
import type { UserRef } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';

/** How many names a reason spells out before "and N others". */
const NAMED = 3;

/** "Bookmarked by alice, bob and 3 others", each name a link to its page. */
export function Followees({ users, count }: { users: UserRef[]; count: number }) {
  const { t, locale } = useI18n();
  const named = users.slice(0, NAMED);
  const others = Math.max(0, count - named.length);
  const last = others > 0 ? t(others === 1 ? 'myHot.otherOne' : 'myHot.others', { count: others }) : null;
  const list = [...named.map((u) => u.username), ...(last ? [last] : [])];
  const parts = new Intl.ListFormat(locale, { type: 'conjunction' }).formatToParts(list);
  let element = 0;
  const text = parts.map((part, i) => {
    if (part.type === 'literal') return <Fragment key={i}>{part.value}</Fragment>;
    const user = named[element++];
    return user ? (
      <Link key={i} className="followees__name" to={paths.user.getHref(user.username)}>
        {user.display_name || user.username}
      </Link>
    ) : (
      <Fragment key={i}>{part.value}</Fragment>
    );
  });
  const [before, after] = t('myHot.by', { names: '\u0000' }).split('\u0000');
  return (
    <p className="followees small" data-testid="followees">
      {before}
      {text}
      {after}
    </p>
  );
}
