import { Fragment } from 'react';
import { Link } from 'react-router';
import type { UserRef } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';

/** How many names a list spells out before "and N others". */
export const NAMED = 3;

/**
 * "alice, bob and 3 others" in the viewer's language, each name a link to
 * its page; `count` is how many people there are in all.
 */
export function NameList({
  users,
  count,
  others,
  className,
}: {
  users: UserRef[];
  count: number;
  /** The words for the people not named ("3 others"). */
  others: (n: number) => string;
  className?: string;
}) {
  const { locale } = useI18n();
  const named = users.slice(0, NAMED);
  const rest = Math.max(0, count - named.length);
  const list = [...named.map((u) => u.username), ...(rest > 0 ? [others(rest)] : [])];
  const parts = new Intl.ListFormat(locale, { type: 'conjunction' }).formatToParts(list);
  let element = 0;
  return (
    <>
      {parts.map((part, i) => {
        if (part.type === 'literal') return <Fragment key={i}>{part.value}</Fragment>;
        const user = named[element++];
        return user ? (
          <Link key={i} className={className} to={paths.user.getHref(user.username)}>
            {user.display_name || user.username}
          </Link>
        ) : (
          <Fragment key={i}>{part.value}</Fragment>
        );
      })}
    </>
  );
}
