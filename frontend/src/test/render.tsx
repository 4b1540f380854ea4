import { render } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { AppProviders } from '@/app/provider';
import { AppRoutes } from '@/app/router';
import { makeQueryClient } from '@/lib/queryClient';
import type { Locale } from '@/i18n/i18n';

/** Shows the router's current path and query, for tests about URLs (`probe: true`). */
function LocationProbe() {
  const location = useLocation();
  return (
    <output data-testid="location" hidden>
      {location.pathname + location.search}
    </output>
  );
}

/** Renders the whole app at a path, with a fresh cache and no retries. */
export function renderApp(path: string, { locale = 'en' as Locale, probe = false } = {}) {
  const queryClient = makeQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: 0 }, mutations: { retry: false } });
  return render(
    <MemoryRouter initialEntries={[path]}>
      <AppProviders queryClient={queryClient} locale={locale}>
        <AppRoutes />
      </AppProviders>
      {probe ? <LocationProbe /> : null}
    </MemoryRouter>,
  );
}
