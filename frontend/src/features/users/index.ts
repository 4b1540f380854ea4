export { userProfileQueryOptions } from './api/users';
export { UserPage } from './pages/UserPage';
