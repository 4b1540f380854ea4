// The roots of every query key. A feature's query-options factory builds its
// key under one of these, and writes invalidate by prefix, so a query added
// under a root is invalidated with its siblings without a list to keep.

/** Everything that shows bookmarks or numbers counted from them. */
const bookmarkViews = ['bookmark-views'] as const;

export const queryKeys = {
  /** A bookmark write, a tag rename or a tag deletion invalidates this prefix. */
  bookmarkViews,
  /** Entry lists, single entries and URL lookups. */
  entries: [...bookmarkViews, 'entries'] as const,
  /** An entry's comments. */
  comments: [...bookmarkViews, 'comments'] as const,
  /** A user's profile, bookmarks, tags and sites. */
  users: [...bookmarkViews, 'users'] as const,
  /** Search results, everyone's or mine. */
  search: [...bookmarkViews, 'search'] as const,
  /** The signed-in user's feed and hot entries, made of the bookmarks of whom they follow. */
  feed: [...bookmarkViews, 'feed'] as const,
  /** The signed-in user's bookmark of a URL. */
  myBookmark: [...bookmarkViews, 'my-bookmark'] as const,
  /** The signed-in user's API tokens. */
  tokens: ['tokens'] as const,
  /** The signed-in user's Hatena-compatible apps (OAuth credentials). */
  hatenaApps: ['hatena-apps'] as const,
  /** Who may sign up on this server. */
  registration: ['registration'] as const,
  /** The signed-in user's own account (`GET /me`: their role). */
  me: ['me'] as const,
  /** The signed-in user's notifications and their unread count. */
  notifications: ['notifications'] as const,
  /** What the signed-in user muted. */
  mutes: ['mutes'] as const,
  /** The admins' report queue and moderation log. */
  admin: ['admin'] as const,
};
