import { Link } from 'react-router';
import { paths } from '@/config/paths';
import { useI18n } from '@/i18n/i18n';

export function UsersCount({ entry }: { entry: { id: number; bookmark_count: number } }) {
  const { t } = useI18n();
  const key = entry.bookmark_count === 1 ? 'common.user' : 'common.users';
  return (
    <Link className="users" to={paths.entry.getHref(entry.id)}>
      <strong>{t(key, { count: entry.bookmark_count })}</strong>
    </Link>
  );
}
