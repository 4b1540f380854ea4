import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';

/** Who may sign up here (open, closed, or by invite): set by the operator, so it is read once. */
export function registrationQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.registration,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/registration', { signal })),
    staleTime: Infinity,
  });
}

export function useRegistration() {
  return useQuery(registrationQueryOptions());
}
