export { BookmarkRow } from './components/BookmarkList';
export { userProfileQueryOptions } from './api/users';
export { UserPage } from './pages/UserPage';
export { FollowersPage, FollowingPage } from './pages/FollowListPage';
