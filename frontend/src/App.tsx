import { useState, type ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { makeQueryClient } from './queryClient';
import { I18nProvider } from './i18n/I18nProvider';
import type { Locale } from './i18n/i18n';
import { AuthProvider } from './api/auth';
import { useAuth } from './api/authContext';
import { ToastProvider } from './components/ToastProvider';
import { BookmarkDialogProvider } from './components/BookmarkDialogProvider';
import { ShortcutProvider } from './shortcuts/ShortcutProvider';
import { Layout } from './components/Layout';
import { Loading } from './components/States';
import { HotPage, NewPage, SitePage, TagPage } from './pages/EntriesPage';
import { EntryByIdPage, EntryByUrlPage } from './pages/EntryPage';
import { UserPage } from './pages/UserPage';
import { LoginPage, RegisterPage } from './pages/AuthPages';
import { SettingsPage } from './pages/SettingsPage';
import { AddPage } from './pages/AddPage';
import { NotFoundPage } from './pages/NotFoundPage';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HotPage />} />
        <Route path="new" element={<NewPage />} />
        <Route path="entry" element={<EntryByUrlPage />} />
        <Route path="entry/:id" element={<EntryByIdPage />} />
        <Route path="site/:domain" element={<SitePage />} />
        <Route path="t/:tag" element={<TagPage />} />
        <Route path="add" element={<AddPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="register" element={<RegisterPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path=":username" element={<UserPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

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
