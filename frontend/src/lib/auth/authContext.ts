import { createContext, useContext } from 'react';
import type { User } from '@/lib/api/types';

export interface AuthApi {
  /** The signed-in user, or null. */
  user: User | null;
  /** False until the startup refresh has answered. */
  restored: boolean;
  login: (username: string, password: string) => Promise<User>;
  register: (username: string, password: string, displayName?: string, inviteCode?: string) => Promise<User>;
  logout: () => Promise<void>;
}

export const AuthContext = createContext<AuthApi | null>(null);

export function useAuth(): AuthApi {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
