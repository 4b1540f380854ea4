import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';

/** Every test starts anonymous: the startup refresh answers 401. */
export const defaultHandlers = [
  http.post('*/api/v1/auth/refresh', () =>
    HttpResponse.json({ type: 'about:blank', title: 'Unauthorized', status: 401 }, { status: 401 }),
  ),
];

export const server = setupServer(...defaultHandlers);
