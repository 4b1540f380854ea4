import { createContext, useContext } from 'react';
import { en, type MessageKey } from './en';
import { ja } from './ja';

export type Locale = 'en' | 'ja';
export const LOCALES: Locale[] = ['ja', 'en'];
export const LOCALE_STORAGE_KEY = 'bukuma.locale';
export const messages: Record<Locale, Record<MessageKey, string>> = { en, ja };

export function detectLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_STORAGE_KEY);
    if (saved === 'en' || saved === 'ja') return saved;
  } catch {
    // ignore unavailable storage
  }
  const langs = typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : [];
  for (const l of langs) {
    const base = l?.toLowerCase().split('-')[0];
    if (base === 'ja') return 'ja';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export interface I18n {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  formatDate: (iso: string | null | undefined) => string;
  formatDateTime: (iso: string | null | undefined) => string;
  formatNumber: (n: number) => string;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
