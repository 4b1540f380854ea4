import { Link, useLocation } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { paths } from '@/config/paths';
import { Empty } from '@/components/ui/States';

/** What a page for signed-in users shows to anonymous viewers. */
export function SignInHint({ message }: { message: MessageKey }) {
  const { t } = useI18n();
  const location = useLocation();
  return (
    <Empty>
      <p>{t(message)}</p>
      <Link className="button button--primary" to={paths.login.getHref(location.pathname + location.search)}>
        {t('nav.login')}
      </Link>
    </Empty>
  );
}
