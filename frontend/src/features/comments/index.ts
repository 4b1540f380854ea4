export { CommentSection } from './components/CommentSection';
export { AllBookmarks, FolloweesBookmarks } from './components/EntryBookmarks';
