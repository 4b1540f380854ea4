// The session lives in memory only: the access token is never persisted, the
// refresh token stays in the HttpOnly cookie the server sets.
import type { AuthResponse, User } from './types';

export interface SessionState {
  accessToken: string | null;
  user: User | null;
}

type Listener = () => void;

let state: SessionState = { accessToken: null, user: null };
const listeners = new Set<Listener>();

function emit(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

export const session = {
  get: (): SessionState => state,
  token: (): string | null => state.accessToken,
  set(auth: AuthResponse) {
    emit({ accessToken: auth.access_token, user: auth.user });
  },
  /** A new access token for the same session (after a password change). */
  setToken(accessToken: string) {
    emit({ ...state, accessToken });
  },
  setUser(user: User) {
    emit({ ...state, user });
  },
  clear() {
    if (state.accessToken === null && state.user === null) return;
    emit({ accessToken: null, user: null });
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
