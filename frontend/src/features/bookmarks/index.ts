export { useToggleReadLater, useUserBookmarks, type BookmarkFilter } from './api/bookmarks';
export { useUserSites, useUserTags } from './api/tags';
export { BookmarkDialogProvider } from './components/BookmarkDialogProvider';
export { useBookmarkDialog } from './components/bookmarkDialogContext';
export { MyBookmark } from './components/MyBookmark';
export { AddPage } from './pages/AddPage';
