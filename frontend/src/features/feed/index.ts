export { FeedPage } from './pages/FeedPage';
export { MyHotPage } from './pages/MyHotPage';
