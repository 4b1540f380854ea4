import { createContext, useContext } from 'react';

export interface BookmarkTarget {
  url?: string;
  title?: string;
  /** Whether the dialog edits an existing bookmark (only changes its heading). */
  edit?: boolean;
}

export interface BookmarkDialogApi {
  open: (target?: BookmarkTarget) => void;
  isOpen: boolean;
}

export const BookmarkDialogContext = createContext<BookmarkDialogApi | null>(null);

export function useBookmarkDialog(): BookmarkDialogApi {
  const ctx = useContext(BookmarkDialogContext);
  if (!ctx) throw new Error('useBookmarkDialog outside BookmarkDialogProvider');
  return ctx;
}
