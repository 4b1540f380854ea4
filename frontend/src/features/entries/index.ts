export { EntryByIdPage, EntryByUrlPage } from './pages/EntryPage';
export { HotPage, NewPage, SitePage, TagPage } from './pages/EntriesPage';
export { EntryCard } from './components/EntryList';
