import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '@/app/provider';
import { AppRoutes } from '@/app/router';
import { makeQueryClient } from '@/lib/queryClient';
import type { Locale } from '@/i18n/i18n';

/** Renders the whole app at a path, with a fresh cache and no retries. */
export function renderApp(path: string, { locale = 'en' as Locale } = {}) {
  const queryClient = makeQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: 0 }, mutations: { retry: false } });
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AppProviders queryClient={queryClient} locale={locale}>
        <AppRoutes />
      </AppProviders>
    </MemoryRouter>,
  );
}
