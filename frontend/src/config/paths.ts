// Every page of the app: `path` is what the router matches, `getHref` builds a link to it.

type Params = Record<string, string | string[] | undefined>;

function withQuery(path: string, params?: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else if (v) q.set(k, v);
  }
  const s = q.toString();
  return `${path}${s ? `?${s}` : ''}`;
}

/** `?next=` carries where to go back to after logging in or registering. */
function withNext(path: string, next?: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export const paths = {
  hot: { path: '/', getHref: () => '/' },
  new: { path: '/new', getHref: () => '/new' },
  /** Hot entries of every category (総合), also at `/`. */
  hotAll: { path: '/hot', getHref: () => '/hot' },
  /** Hot and new entries of one category (`/hot/it`). */
  hotCategory: { path: '/hot/:category', getHref: (slug: string) => `/hot/${encodeURIComponent(slug)}` },
  newCategory: { path: '/new/:category', getHref: (slug: string) => `/new/${encodeURIComponent(slug)}` },
  /** An entry looked up by its URL (`?url=`). */
  entryByUrl: { path: '/entry', getHref: (url: string) => `/entry?url=${encodeURIComponent(url)}` },
  entry: { path: '/entry/:id', getHref: (id: number) => `/entry/${id}` },
  site: { path: '/site/:domain', getHref: (domain: string) => `/site/${encodeURIComponent(domain)}` },
  tag: { path: '/t/:tag', getHref: (tag: string) => `/t/${encodeURIComponent(tag)}` },
  /** Where the bookmarklet lands: `/add?url=…&title=…`. */
  add: { path: '/add', getHref: (target: { url?: string; title?: string } = {}) => withQuery('/add', target) },
  login: { path: '/login', getHref: (next?: string | null) => withNext('/login', next) },
  register: { path: '/register', getHref: (next?: string | null) => withNext('/register', next) },
  settings: { path: '/settings', getHref: () => '/settings' },
  /** Search results; the query string carries the query and every filter. */
  search: { path: '/search', getHref: (params?: Params) => withQuery('/search', params) },
  /** The bookmarks of the people I follow. */
  feed: { path: '/feed', getHref: (params?: Params) => withQuery('/feed', params) },
  /** Entries the people I follow bookmarked lately. */
  myHot: { path: '/my/hot', getHref: () => '/my/hot' },
  /** Stars on my comments, my new followers, my first bookmarks that caught on. */
  notifications: { path: '/notifications', getHref: (params?: Params) => withQuery('/notifications', params) },
  /** The admins' report queue (`?tab=open|resolved|log`). */
  admin: { path: '/admin', getHref: (params?: Params) => withQuery('/admin', params) },
  followers: {
    path: '/users/:username/followers',
    getHref: (username: string) => `/users/${encodeURIComponent(username)}/followers`,
  },
  following: {
    path: '/users/:username/following',
    getHref: (username: string) => `/users/${encodeURIComponent(username)}/following`,
  },
  user: {
    path: '/:username',
    getHref: (username: string, params?: Params) => withQuery(`/${encodeURIComponent(username)}`, params),
  },
} as const;
