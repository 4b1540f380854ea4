import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { ReportStatus, ResolveAction } from '@/lib/api/types';
import { PAGE_SIZE } from '@/config/paging';

/** The report queue: one case per reported target, most recently reported first. */
export function reportCasesQueryOptions(status: ReportStatus, cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.admin, 'reports', status, cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/admin/reports', {
          params: { query: { status, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
  });
}

export function useReportCases(status: ReportStatus, cursor: string | undefined, enabled: boolean) {
  return useQuery({ ...reportCasesQueryOptions(status, cursor), enabled, placeholderData: keepPreviousData });
}

/** Every moderation action, newest first. */
export function moderationLogQueryOptions(cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.admin, 'log', cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/admin/moderation-log', {
          params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
  });
}

export function useModerationLog(cursor: string | undefined, enabled: boolean) {
  return useQuery({ ...moderationLogQueryOptions(cursor), enabled, placeholderData: keepPreviousData });
}

/** An action hides or shows content in every list, and changes the queue and the log. */
function afterAction(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.admin });
  void queryClient.invalidateQueries({ queryKey: queryKeys.bookmarkViews });
}

export function useResolve() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ caseId, action, note }: { caseId: number; action: ResolveAction; note: string }) =>
      unwrap(
        api.POST('/api/v1/admin/reports/{id}/resolve', {
          params: { path: { id: caseId } },
          body: { action, ...(note ? { note } : {}) },
        }),
      ),
    onSuccess: () => afterAction(queryClient),
  });
}

/** Undoes a suspension or a hidden comment. */
export function useUndo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (undo: { kind: 'unsuspend'; username: string } | { kind: 'unhide'; commentId: number }) =>
      undo.kind === 'unsuspend'
        ? unwrap(
            api.POST('/api/v1/admin/users/{username}/unsuspend', {
              params: { path: { username: undo.username } },
              body: {},
            }),
          )
        : unwrap(api.POST('/api/v1/admin/comments/{id}/unhide', { params: { path: { id: undo.commentId } }, body: {} })),
    onSuccess: () => afterAction(queryClient),
  });
}
