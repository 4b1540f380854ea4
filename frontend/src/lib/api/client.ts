import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import type { Problem } from './types';
import { session } from './session';
import { ApiError } from './errors';

const AUTH_PREFIX = '/api/v1/auth/';

function baseUrl(): string {
  return typeof window !== 'undefined' ? window.location.origin : 'http://localhost';
}

/** The typed API client. `fetch` is looked up at call time so tests can mock it. */
export const api = createClient<paths>({
  baseUrl: baseUrl(),
  fetch: (request: Request) => globalThis.fetch(request),
  credentials: 'same-origin',
});

export type RefreshResult = 'ok' | 'unauthorized' | 'error';

let refreshing: Promise<RefreshResult> | null = null;

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers
 * share one request, so a burst of 401s triggers exactly one refresh.
 * Only a 401/403 ends the session; network trouble and 5xx leave it alone.
 */
export function refreshSession(): Promise<RefreshResult> {
  refreshing ??= (async (): Promise<RefreshResult> => {
    try {
      const { data, response } = await api.POST('/api/v1/auth/refresh', { body: {} });
      if (data) {
        session.set(data);
        return 'ok';
      }
      if (response.status === 401 || response.status === 403) {
        session.clear();
        return 'unauthorized';
      }
      return 'error';
    } catch {
      return 'error';
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

const pending = new Map<string, Request>();

/** Adds the bearer token and, on a 401, refreshes once and retries once. */
export const authMiddleware: Middleware = {
  onRequest({ request, schemaPath, id }) {
    if (schemaPath.startsWith(AUTH_PREFIX)) return undefined;
    const token = session.token();
    if (token) {
      request.headers.set('Authorization', `Bearer ${token}`);
      pending.set(id, request.clone());
    }
    return request;
  },
  async onResponse({ response, id, options }) {
    const original = pending.get(id);
    pending.delete(id);
    if (response.status !== 401 || !original) return undefined;
    const sent = original.headers.get('Authorization');
    const current = session.token();
    // Someone else may already have refreshed while this request was in flight.
    const ok = current && `Bearer ${current}` !== sent ? true : (await refreshSession()) === 'ok';
    const token = session.token();
    if (!ok || !token) return undefined;
    original.headers.set('Authorization', `Bearer ${token}`);
    return options.fetch(original);
  },
  onError({ id }) {
    pending.delete(id);
    return undefined;
  },
};

api.use(authMiddleware);

function toProblem(status: number, error: unknown): Problem {
  if (error && typeof error === 'object' && 'status' in error) return error as Problem;
  return { status, title: typeof error === 'string' && error ? error : `HTTP ${status}` };
}

/** Turns an openapi-fetch result into data or a thrown ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, toProblem(response.status, error));
  return data as T;
}
