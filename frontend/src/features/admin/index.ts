export { AdminPage } from './pages/AdminPage';
export { useIsAdmin } from './api/me';
