export { SearchBox } from './components/SearchBox';
export { SearchPage } from './pages/SearchPage';
