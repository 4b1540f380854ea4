import { useState, type ReactNode } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { makeQueryClient } from '@/lib/queryClient';
import { I18nProvider } from '@/i18n/I18nProvider';
import type { Locale } from '@/i18n/i18n';
import { AuthProvider } from '@/lib/auth/AuthProvider';
import { useAuth } from '@/lib/auth/authContext';
import { ToastProvider } from '@/components/toast/ToastProvider';
import { Loading } from '@/components/ui/States';
import { BookmarkDialogProvider } from '@/features/bookmarks';
import { ShortcutProvider } from '@/features/shortcuts';

function WhenRestored({ children }: { children: ReactNode }) {
  const { restored } = useAuth();
  return restored ? children : <Loading />;
}

/** Every provider the app needs below a router. */
export function AppProviders({
  children,
  queryClient,
  locale,
}: {
  children: ReactNode;
  queryClient?: QueryClient;
  locale?: Locale;
}) {
  const [client] = useState(() => queryClient ?? makeQueryClient());
  return (
    <QueryClientProvider client={client}>
      <I18nProvider initial={locale}>
        <ToastProvider>
          <AuthProvider>
            <WhenRestored>
              <BookmarkDialogProvider>
                <ShortcutProvider>{children}</ShortcutProvider>
              </BookmarkDialogProvider>
            </WhenRestored>
          </AuthProvider>
        </ToastProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
