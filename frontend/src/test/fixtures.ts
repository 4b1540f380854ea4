import { http, HttpResponse } from 'msw';
import type {
  AuthResponse,
  Bookmark,
  Comment,
  EntryBookmark,
  EntryListItem,
  Notification,
  ReportCase,
  User,
} from '@/lib/api/types';

export const alice: User = {
  id: 1,
  username: 'alice',
  display_name: 'Alice',
  bio: 'reads a lot',
  role: 'user',
  created_at: '2024-01-02T03:04:05Z',
};

export function authFor(user: User, token = 'access-1'): AuthResponse {
  return { user, access_token: token, refresh_token: 'r', token_type: 'Bearer', expires_in: 900 };
}

/** Makes the startup refresh succeed, so the app starts signed in. */
export function signedIn(user: User = alice) {
  return http.post('*/api/v1/auth/refresh', () => HttpResponse.json(authFor(user)));
}

let nextId = 100;

export function entry(over: Partial<EntryListItem> = {}): EntryListItem {
  const id = over.id ?? nextId++;
  return {
    id,
    url: `https://blog.example.com/post/${id}`,
    domain: 'blog.example.com',
    title: `Post number ${id}`,
    summary: 'A summary of the post.',
    thumbnail_url: null,
    favicon_url: null,
    bookmark_count: 3,
    first_bookmarked_at: '2024-05-06T07:08:09Z',
    tags: ['rust', 'web'],
    category: null,
    ...over,
  };
}

export function bookmark(over: Partial<Bookmark> = {}): Bookmark {
  const e = entry();
  const { tags: _tags, ...plain } = e;
  return {
    id: nextId++,
    user: { username: 'alice', display_name: 'Alice' },
    entry: plain,
    comment: 'great read',
    tags: ['rust'],
    private: false,
    read_later: false,
    hidden: false,
    created_at: '2024-05-06T07:08:09Z',
    updated_at: '2024-05-06T07:08:09Z',
    ...over,
  };
}

export function comment(over: Partial<Comment> = {}): Comment {
  return {
    id: nextId++,
    user: { username: 'bob', display_name: 'Bob' },
    comment: 'nice',
    tags: [],
    created_at: '2024-05-06T07:08:09Z',
    star_count: 0,
    starred_by_me: false,
    ...over,
  };
}

export function entryBookmark(over: Partial<EntryBookmark> = {}): EntryBookmark {
  return {
    id: nextId++,
    user: { username: 'bob', display_name: 'Bob' },
    comment: 'nice',
    tags: [],
    created_at: '2024-05-06T07:08:09Z',
    ...over,
  };
}

export const admin: User = { ...alice, id: 9, username: 'root', display_name: 'Root', role: 'admin' };

export function notification(over: Partial<Notification> = {}): Notification {
  return {
    id: nextId++,
    kind: 'follow',
    subject: {},
    actors: [{ username: 'bob', display_name: 'Bob' }],
    actor_count: 1,
    created_at: '2024-05-06T07:08:09Z',
    updated_at: '2024-05-06T07:08:09Z',
    read: false,
    ...over,
  };
}

export function reportCase(over: Partial<ReportCase> = {}): ReportCase {
  return {
    id: nextId++,
    target: { kind: 'comment', id: 500 },
    subject: {
      comment: { comment: 'buy cheap pills', hidden: false },
      entry: { id: 50, url: 'https://blog.example.com/post/50', title: 'Post fifty', hidden: false },
      user: { username: 'spammer', display_name: 'Spammer', suspended: false },
    },
    status: 'open',
    open_count: 2,
    report_count: 2,
    last_reported_at: '2024-05-06T07:08:09Z',
    recent_reports: [
      {
        id: nextId++,
        reporter: { username: 'alice', display_name: 'Alice' },
        reason: 'spam',
        note: 'selling things',
        created_at: '2024-05-06T07:08:09Z',
        resolved: false,
      },
      {
        id: nextId++,
        reporter: { username: 'carol', display_name: 'Carol' },
        reason: 'spam',
        note: '',
        created_at: '2024-05-05T07:08:09Z',
        resolved: false,
      },
    ],
    ...over,
  };
}

export function problem(status: number, title: string, errors?: { field: string; message: string }[]) {
  return HttpResponse.json(
    { type: `https://bukuma.example/problems/${status}`, title, status, ...(errors ? { errors } : {}) },
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}
