import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { I18nContext, type Locale, LOCALE_STORAGE_KEY, detectLocale, messages } from './i18n';
import type { MessageKey } from './en';

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initial ?? detectLocale());

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // storage may be unavailable (private mode); the choice then lasts this visit
    }
  }, []);

  const value = useMemo(() => {
    const table = messages[locale];
    const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const numberFmt = new Intl.NumberFormat(locale);
    const t = (key: MessageKey, params?: Record<string, string | number>) => {
      const text = table[key];
      if (!params) return text;
      return text.replace(/\{(\w+)\}/g, (m, name: string) => {
        const v = params[name];
        if (v === undefined) return m;
        return typeof v === 'number' ? numberFmt.format(v) : v;
      });
    };
    const fmt = (f: Intl.DateTimeFormat) => (iso: string | null | undefined) => {
      if (!iso) return '';
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? '' : f.format(d);
    };
    return {
      locale,
      setLocale,
      t,
      formatDate: fmt(dateFmt),
      formatDateTime: fmt(dateTimeFmt),
      formatNumber: (n: number) => numberFmt.format(n),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
