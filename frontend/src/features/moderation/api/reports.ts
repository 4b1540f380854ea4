import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { ReportRequest } from '@/lib/api/types';

/** Reports a comment or a user to the admins; `created` is false when I had reported it before. */
export function useReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ReportRequest) => {
      const call = api.POST('/api/v1/reports', { body });
      const { response } = await call;
      const report = await unwrap(call);
      return { report, created: response.status === 201 };
    },
    // An admin's own queue shows the new report.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.admin }),
  });
}
