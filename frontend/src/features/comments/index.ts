export { CommentSection } from './components/CommentSection';
