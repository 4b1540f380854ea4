import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { alice, authFor } from '@/test/fixtures';
import { api, refreshSession, unwrap } from './client';
import { ApiError } from './errors';
import { session } from './session';

describe('auth middleware', () => {
  it('sends the access token as a bearer header', async () => {
    session.set(authFor(alice, 'tok-A'));
    let seen: string | null = null;
    server.use(
      http.get('*/api/v1/me', ({ request }) => {
        seen = request.headers.get('Authorization');
        return HttpResponse.json(alice);
      }),
    );
    const me = await unwrap(api.GET('/api/v1/me'));
    expect(me.username).toBe('alice');
    expect(seen).toBe('Bearer tok-A');
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    session.set(authFor(alice, 'expired'));
    let refreshes = 0;
    server.use(
      http.post('*/api/v1/auth/refresh', async ({ request }) => {
        refreshes++;
        expect(await request.json()).toEqual({});
        return HttpResponse.json(authFor(alice, 'fresh'));
      }),
      http.patch('*/api/v1/me', async ({ request }) => {
        if (request.headers.get('Authorization') !== 'Bearer fresh') {
          return HttpResponse.json({ title: 'Unauthorized', status: 401 }, { status: 401 });
        }
        const body = (await request.json()) as { bio: string };
        return HttpResponse.json({ ...alice, bio: body.bio });
      }),
    );
    const me = await unwrap(api.PATCH('/api/v1/me', { body: { bio: 'new bio' } }));
    expect(me.bio).toBe('new bio');
    expect(refreshes).toBe(1);
    expect(session.token()).toBe('fresh');
  });

  it('shares one refresh between concurrent 401s', async () => {
    session.set(authFor(alice, 'expired'));
    let refreshes = 0;
    server.use(
      http.post('*/api/v1/auth/refresh', async () => {
        refreshes++;
        await new Promise((r) => setTimeout(r, 20));
        return HttpResponse.json(authFor(alice, 'fresh'));
      }),
      http.get('*/api/v1/me', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer fresh'
          ? HttpResponse.json(alice)
          : HttpResponse.json({ title: 'Unauthorized', status: 401 }, { status: 401 }),
      ),
    );
    const results = await Promise.all([1, 2, 3].map(() => unwrap(api.GET('/api/v1/me'))));
    expect(results.map((u) => u.username)).toEqual(['alice', 'alice', 'alice']);
    expect(refreshes).toBe(1);
  });

  it('gives up and clears the session when the refresh is refused', async () => {
    session.set(authFor(alice, 'expired'));
    server.use(
      http.get('*/api/v1/me', () => HttpResponse.json({ title: 'Unauthorized', status: 401 }, { status: 401 })),
    );
    await expect(unwrap(api.GET('/api/v1/me'))).rejects.toMatchObject({ status: 401 });
    expect(session.get().user).toBeNull();
  });

  it('does not try to refresh anonymous requests', async () => {
    let refreshes = 0;
    server.use(
      http.post('*/api/v1/auth/refresh', () => {
        refreshes++;
        return HttpResponse.json({}, { status: 401 });
      }),
      http.get('*/api/v1/me', () => HttpResponse.json({ title: 'Unauthorized', status: 401 }, { status: 401 })),
    );
    await expect(unwrap(api.GET('/api/v1/me'))).rejects.toBeInstanceOf(ApiError);
    expect(refreshes).toBe(0);
  });

  it('refreshSession stores the new session', async () => {
    server.use(http.post('*/api/v1/auth/refresh', () => HttpResponse.json(authFor(alice, 'restored'))));
    await expect(refreshSession()).resolves.toBe('ok');
    expect(session.get().user?.username).toBe('alice');
  });
});

describe('startup', () => {
  it('keeps the session through a transient refresh failure', async () => {
    let calls = 0;
    server.use(
      http.post('*/api/v1/auth/refresh', () => {
        calls++;
        return calls === 1
          ? HttpResponse.json({ title: 'Busy', status: 503 }, { status: 503 })
          : HttpResponse.json(authFor(alice, 'restored'));
      }),
    );
    await expect(refreshSession()).resolves.toBe('error');
    expect(session.get().user).toBeNull();
    await expect(refreshSession()).resolves.toBe('ok');
    expect(session.token()).toBe('restored');
  });
});

describe('unwrap', () => {
  it('turns problem+json into an ApiError with field errors', async () => {
    server.use(
      http.post('*/api/v1/bookmarks', () =>
        HttpResponse.json(
          {
            type: 'validation',
            title: 'Invalid input',
            status: 422,
            errors: [{ field: 'comment', message: 'too long' }],
          },
          { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );
    const err = await unwrap(api.POST('/api/v1/bookmarks', { body: { url: 'https://x.example' } })).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.fieldErrors()).toEqual({ comment: 'too long' });
  });
});
