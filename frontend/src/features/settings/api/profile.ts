import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { session } from '@/lib/api/session';
import { userProfileQueryOptions } from '@/features/users';

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: { display_name?: string; bio?: string }) =>
      unwrap(api.PATCH('/api/v1/me', { body: changes })),
    onSuccess: (user) => {
      session.setUser(user);
      void queryClient.invalidateQueries({ queryKey: userProfileQueryOptions(user.username).queryKey });
    },
  });
}
