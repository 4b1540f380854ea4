import { useI18n, LOCALES, type Locale } from '@/i18n/i18n';

export function LanguageSwitcher({ id = 'lang-switch' }: { id?: string }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="visually-hidden">
        {t('lang.label')}
      </label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
