import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { session } from '@/lib/api/session';

/** Changes the password; this session goes on with the new access token. */
export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) =>
      unwrap(api.POST('/api/v1/me/password', { body })),
    onSuccess: (data) => session.setToken(data.access_token),
  });
}

/**
 * Ends every session of the user, this one included. The caller clears the
 * local session when done (clearing it here would unmount the caller before
 * its own callbacks run).
 */
export function useSignOutEverywhere() {
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout-all')),
  });
}

/** Deletes the account and all its data; the caller clears the session. */
export function useDeleteAccount() {
  return useMutation({
    mutationFn: (password: string) => unwrap(api.DELETE('/api/v1/me', { body: { password } })),
  });
}
