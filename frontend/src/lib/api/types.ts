// Domain types derived from the generated OpenAPI `paths`, so they follow the
// spec whatever the schema components are called.
import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: infer S }
    ? Json<S>
    : R extends { 201: infer S }
      ? Json<S>
      : never
  : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type AuthResponse = Ok<'/api/v1/auth/login', 'post'>;
export type User = Ok<'/api/v1/me', 'get'>;
export type UserProfile = Ok<'/api/v1/users/{username}', 'get'>;
export type ApiToken = Ok<'/api/v1/me/tokens', 'get'>['items'][number];
export type CreatedToken = Ok<'/api/v1/me/tokens', 'post'>;
export type TokenScope = Body<'/api/v1/me/tokens', 'post'>['scope'];
export type HatenaApp = Ok<'/api/v1/me/hatena-apps', 'get'>['items'][number];
export type CreatedHatenaApp = Ok<'/api/v1/me/hatena-apps', 'post'>;
export type Bookmark = Ok<'/api/v1/bookmarks/{id}', 'get'>;
export type BookmarkPage = Ok<'/api/v1/users/{username}/bookmarks', 'get'>;
export type UpsertBookmark = Body<'/api/v1/bookmarks', 'post'>;
export type UpdateBookmark = Body<'/api/v1/bookmarks/{id}', 'patch'>;
export type Entry = Ok<'/api/v1/entries/{id}', 'get'>;
export type EntryPage = Ok<'/api/v1/entries/hot', 'get'>;
export type EntryListItem = EntryPage['items'][number];
export type Comment = Ok<'/api/v1/entries/{id}/comments', 'get'>['items'][number];
export type CommentSort = NonNullable<
  NonNullable<paths['/api/v1/entries/{id}/comments']['get']['parameters']['query']>['sort']
>;
export type SearchQuery = NonNullable<paths['/api/v1/search']['get']['parameters']['query']>;
export type SearchPage = Ok<'/api/v1/search', 'get'>;
export type EntryHit = SearchPage['entries'][number];
export type BookmarkHit = SearchPage['bookmarks'][number];
export type StarState = Ok<'/api/v1/comments/{id}/star', 'put'>;
export type FollowPage = Ok<'/api/v1/users/{username}/followers', 'get'>;
export type FollowItem = FollowPage['items'][number];
export type MyHotPage = Ok<'/api/v1/me/hot', 'get'>;
export type MyHotItem = MyHotPage['items'][number];
export type UserRef = MyHotItem['followees'][number];
export type EntryBookmarkPage = Ok<'/api/v1/entries/{id}/bookmarks', 'get'>;
export type EntryBookmark = EntryBookmarkPage['items'][number];
export type EntryBookmarkFilter = NonNullable<
  NonNullable<paths['/api/v1/entries/{id}/bookmarks']['get']['parameters']['query']>['filter']
>;
export type NotificationPage = Ok<'/api/v1/me/notifications', 'get'>;
export type Notification = NotificationPage['items'][number];
export type UnreadCount = Ok<'/api/v1/me/notifications/unread-count', 'get'>;
export type MuteLists = Ok<'/api/v1/me/mutes', 'get'>;
export type ReportRequest = Body<'/api/v1/reports', 'post'>;
export type ReportReason = ReportRequest['reason'];
export type ReportTargetKind = ReportRequest['target']['kind'];
export type Report = Ok<'/api/v1/reports', 'post'>;
export type ReportCasePage = Ok<'/api/v1/admin/reports', 'get'>;
export type ReportCase = ReportCasePage['items'][number];
export type ReportStatus = ReportCase['status'];
export type ResolveAction = Body<'/api/v1/admin/reports/{id}/resolve', 'post'>['action'];
export type ModerationLogPage = Ok<'/api/v1/admin/moderation-log', 'get'>;
export type ModerationLogItem = ModerationLogPage['items'][number];
export type TagCount = Ok<'/api/v1/users/{username}/tags', 'get'>['items'][number];
export type SiteCount = Ok<'/api/v1/users/{username}/sites', 'get'>['items'][number];

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string | null;
  errors?: FieldError[] | null;
}
export type EntryCategory = NonNullable<Entry['category']>;
export type CategorySlug = EntryCategory['slug'];
export type CategorySuggestion = Ok<'/api/v1/entries/{id}/category', 'post'>;
