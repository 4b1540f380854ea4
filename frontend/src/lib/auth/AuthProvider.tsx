import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, refreshSession, unwrap } from '@/lib/api/client';
import { session } from '@/lib/api/session';
import { AuthContext, type AuthApi } from './authContext';

export function AuthProvider({ children }: { children: ReactNode }) {
  const state = useSyncExternalStore(session.subscribe, session.get, session.get);
  const [restored, setRestored] = useState(false);
  const queryClient = useQueryClient();
  const lastUserId = useRef<number | null | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    // Restore the session from the refresh cookie; transient failures
    // (network, 5xx) are retried briefly so a hiccup never looks like a logout.
    (async () => {
      for (let attempt = 0; attempt < 3 && !cancelled; attempt++) {
        if ((await refreshSession()) !== 'error') break;
        await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
      }
      if (!cancelled) setRestored(true);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  // Whenever the signed-in user changes, everything user-specific is stale.
  useEffect(() => {
    const id = state.user?.id ?? null;
    if (lastUserId.current !== undefined && lastUserId.current !== id) {
      void queryClient.invalidateQueries();
    }
    lastUserId.current = id;
  }, [state.user?.id, queryClient]);

  const login = useCallback(async (username: string, password: string) => {
    const data = await unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }));
    session.set(data);
    return data.user;
  }, []);

  const register = useCallback(
    async (username: string, password: string, displayName?: string, inviteCode?: string) => {
      const body = {
        username,
        password,
        ...(displayName ? { display_name: displayName } : {}),
        ...(inviteCode ? { invite_code: inviteCode } : {}),
      };
      const data = await unwrap(api.POST('/api/v1/auth/register', { body }));
      session.set(data);
      return data.user;
    },
    [],
  );

  const logout = useCallback(async () => {
    try {
      await api.POST('/api/v1/auth/logout', { body: {} });
    } finally {
      session.clear();
    }
  }, []);

  const value = useMemo<AuthApi>(
    () => ({ user: state.user, restored, login, register, logout }),
    [state.user, restored, login, register, logout],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
