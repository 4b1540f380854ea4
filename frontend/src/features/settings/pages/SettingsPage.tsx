import { Link } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { LanguageSwitcher } from '@/components/LanguageSwitcher';
import { AccountSection } from '../components/AccountSection';
import { BookmarkletSection } from '../components/BookmarkletSection';
import { HatenaAppsSection } from '../components/HatenaAppsSection';
import { MutesSection } from '../components/MutesSection';
import { ProfileSection } from '../components/ProfileSection';
import { TagsSection } from '../components/TagsSection';
import { TokensSection } from '../components/TokensSection';

export function SettingsPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  useTitle(t('settings.title'));
  return (
    <div className="page settings-page">
      <div className="page-head">
        <h1>{t('settings.title')}</h1>
      </div>
      <section className="card settings-section" aria-labelledby="settings-language">
        <h2 id="settings-language">{t('settings.language')}</h2>
        <LanguageSwitcher id="settings-lang" />
      </section>
      {user ? (
        <>
          <ProfileSection key={user.id} user={user} />
          <TokensSection />
          <HatenaAppsSection />
          <TagsSection username={user.username} />
          <MutesSection />
          <BookmarkletSection />
          <AccountSection user={user} />
        </>
      ) : (
        <p className="card settings-section">
          {t('settings.loginNeeded')} <Link to={paths.login.getHref(paths.settings.getHref())}>{t('nav.login')}</Link>
        </p>
      )}
    </div>
  );
}
