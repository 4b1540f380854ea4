export { NotificationBell } from './components/NotificationBell';
export { NotificationsPage } from './pages/NotificationsPage';
