import { Route, Routes } from 'react-router';
import { paths } from '@/config/paths';
import { AdminPage } from '@/features/admin';
import { LoginPage, RegisterPage } from '@/features/auth';
import { AddPage } from '@/features/bookmarks';
import { EntryByIdPage, EntryByUrlPage, HotPage, NewPage, SitePage, TagPage } from '@/features/entries';
import { FeedPage, MyHotPage } from '@/features/feed';
import { NotificationsPage } from '@/features/notifications';
import { SearchPage } from '@/features/search';
import { SettingsPage } from '@/features/settings';
import { FollowersPage, FollowingPage, UserPage } from '@/features/users';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HotPage />} />
        <Route path={paths.new.path} element={<NewPage />} />
        <Route path={paths.hotAll.path} element={<HotPage />} />
        <Route path={paths.hotCategory.path} element={<HotPage />} />
        <Route path={paths.newCategory.path} element={<NewPage />} />
        <Route path={paths.entryByUrl.path} element={<EntryByUrlPage />} />
        <Route path={paths.entry.path} element={<EntryByIdPage />} />
        <Route path={paths.site.path} element={<SitePage />} />
        <Route path={paths.tag.path} element={<TagPage />} />
        <Route path={paths.add.path} element={<AddPage />} />
        <Route path={paths.login.path} element={<LoginPage />} />
        <Route path={paths.register.path} element={<RegisterPage />} />
        <Route path={paths.settings.path} element={<SettingsPage />} />
        <Route path={paths.search.path} element={<SearchPage />} />
        <Route path={paths.feed.path} element={<FeedPage />} />
        <Route path={paths.myHot.path} element={<MyHotPage />} />
        <Route path={paths.notifications.path} element={<NotificationsPage />} />
        <Route path={paths.admin.path} element={<AdminPage />} />
        <Route path={paths.followers.path} element={<FollowersPage />} />
        <Route path={paths.following.path} element={<FollowingPage />} />
        <Route path={paths.user.path} element={<UserPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
