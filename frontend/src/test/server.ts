import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { session } from '@/lib/api/session';

const unauthorized = () =>
  HttpResponse.json({ type: 'about:blank', title: 'Unauthorized', status: 401 }, { status: 401 });

/**
 * Every test starts anonymous: the startup refresh answers 401. What the
 * header asks for when signed in (my account, the unread count) has an
 * answer too: the session's user, and nothing unread; sign-up is open;
 * entries have no related entries.
 */
export const defaultHandlers = [
  http.post('*/api/v1/auth/refresh', unauthorized),
  http.get('*/api/v1/me', () => {
    const user = session.get().user;
    return user ? HttpResponse.json(user) : unauthorized();
  }),
  http.get('*/api/v1/me/notifications/unread-count', () => HttpResponse.json({ unread_count: 0 })),
  http.get('*/api/v1/auth/registration', () => HttpResponse.json({ mode: 'open' })),
  http.get('*/api/v1/entries/:id/related', () => HttpResponse.json({ items: [] })),
];

export const server = setupServer(...defaultHandlers);
