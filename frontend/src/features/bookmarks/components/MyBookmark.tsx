import { useState } from 'react';
import type { Bookmark, Entry } from '@/lib/api/types';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { TagList } from '@/components/ui/TagList';
import { useMyBookmark } from '../api/bookmarks';
import { BookmarkForm } from './BookmarkForm';
import { useBookmarkDialog } from './bookmarkDialogContext';

/** The signed-in user's bookmark of an entry, editable in place, or a button to add one. */
export function MyBookmark({ entry }: { entry: Entry }) {
  const { t, formatDate } = useI18n();
  const { user } = useAuth();
  const mine = useMyBookmark(entry.url, !!user);
  const [editing, setEditing] = useState(false);
  const dialog = useBookmarkDialog();
  if (!user) return null;
  if (mine.isPending) return null;
  const bm: Bookmark | null = mine.data ?? null;
  return (
    <section className="card my-bookmark" aria-labelledby="my-bookmark-title">
      <div className="my-bookmark__head">
        <h2 id="my-bookmark-title" className="section-title">
          {t('entry.myBookmark')}
        </h2>
        {bm && !editing ? (
          <button type="button" className="button button--small" onClick={() => setEditing(true)}>
            {t('entry.editMine')}
          </button>
        ) : null}
      </div>
      {editing ? (
        <BookmarkForm initialUrl={entry.url} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />
      ) : bm ? (
        <div className="my-bookmark__view">
          {bm.comment ? <p className="comment__text">{bm.comment}</p> : null}
          <TagList tags={bm.tags} to={(tag) => paths.user.getHref(user.username, { tag: [tag] })} />
          <p className="muted small">
            {formatDate(bm.created_at)}
            {bm.private ? <span className="badge badge--private">{t('common.private')}</span> : null}
            {bm.read_later ? <span className="badge badge--later">{t('common.readLater')}</span> : null}
          </p>
        </div>
      ) : (
        <button type="button" className="button button--primary" onClick={() => dialog.open({ url: entry.url, title: entry.title })}>
          + {t('entry.bookmarkIt')}
        </button>
      )}
    </section>
  );
}
