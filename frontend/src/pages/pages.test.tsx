import { screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '../test/server';
import { renderApp } from '../test/render';
import { bookmark, comment, entry, problem, signedIn } from '../test/fixtures';

describe('hot entries', () => {
  it('shows entry cards with users count, domain, tags and a next page link', async () => {
    server.use(
      http.get('*/api/v1/entries/hot', () =>
        HttpResponse.json({
          items: [entry({ id: 1, title: 'Rust is fun', bookmark_count: 12 }), entry({ id: 2, title: 'Second' })],
          next_cursor: 'abc',
        }),
      ),
    );
    renderApp('/');
    expect(await screen.findByRole('link', { name: 'Rust is fun' })).toHaveAttribute(
      'href',
      'https://blog.example.com/post/1',
    );
    expect(screen.getByRole('link', { name: '12 users' })).toHaveAttribute('href', '/entry/1');
    expect(screen.getAllByRole('link', { name: 'blog.example.com' })[0]).toHaveAttribute('href', '/site/blog.example.com');
    expect(screen.getAllByRole('link', { name: 'rust' })[0]).toHaveAttribute('href', '/t/rust');
    expect(screen.getByRole('link', { name: /Next page/ })).toHaveAttribute('href', '/?cursor=abc');
  });

  it('never renders a non-http link and renders markup as text', async () => {
    server.use(
      http.get('*/api/v1/entries/hot', () =>
        HttpResponse.json({
          items: [entry({ id: 3, url: 'javascript:alert(1)', title: '<b>bold</b>' })],
          next_cursor: null,
        }),
      ),
    );
    const { container } = renderApp('/');
    expect(await screen.findByText('<b>bold</b>')).toBeInTheDocument();
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('shows an empty state', async () => {
    server.use(http.get('*/api/v1/entries/hot', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderApp('/');
    expect(await screen.findByText(/No hot entries yet/)).toBeInTheDocument();
  });

  it('announces its RSS feed to feed readers', async () => {
    server.use(http.get('*/api/v1/entries/hot', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderApp('/');
    await screen.findByText(/No hot entries yet/);
    const link = document.head.querySelector('link[rel="alternate"][type="application/rss+xml"]');
    expect(link).toHaveAttribute('href', '/hot.rss');
  });

  it('shows an error state with retry', async () => {
    server.use(http.get('*/api/v1/entries/hot', () => problem(500, 'Internal error')));
    renderApp('/');
    expect(await screen.findByRole('alert')).toHaveTextContent('Something went wrong.');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('speaks Japanese', async () => {
    server.use(http.get('*/api/v1/entries/hot', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderApp('/', { locale: 'ja' });
    expect(await screen.findByRole('heading', { name: '人気エントリー' })).toBeInTheDocument();
  });
});

describe('entry page', () => {
  it('offers to be the first when nobody bookmarked the URL', async () => {
    server.use(http.get('*/api/v1/entries/lookup', () => problem(404, 'Not found')));
    renderApp('/entry?url=https%3A%2F%2Fnew.example%2F');
    expect(await screen.findByText('Nobody has bookmarked this page yet.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Be the first/ })).toBeInTheDocument();
  });

  it('shows popular and recent comments and stars one', async () => {
    const e = entry({ id: 7, title: 'Entry seven' });
    const c1 = comment({ id: 70, comment: 'starred comment', star_count: 2 });
    const c2 = comment({ id: 71, user: { username: 'carol', display_name: 'Carol' }, comment: 'fresh take' });
    let starredWith: string | null = null;
    server.use(
      signedIn(),
      http.get('*/api/v1/entries/7', () => HttpResponse.json(e)),
      http.get('*/api/v1/me/bookmark', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })),
      http.get('*/api/v1/entries/7/comments', ({ request }) => {
        const sort = new URL(request.url).searchParams.get('sort');
        return HttpResponse.json({ items: sort === 'popular' ? [c1] : [c2, c1], next_cursor: null });
      }),
      http.put('*/api/v1/comments/71/star', ({ request }) => {
        starredWith = request.headers.get('Authorization');
        return HttpResponse.json({ star_count: 1, starred_by_me: true });
      }),
    );
    renderApp('/entry/7');
    expect(await screen.findByRole('heading', { name: 'Entry seven' })).toBeInTheDocument();
    const popular = await screen.findByRole('region', { name: /Popular comments/ });
    expect(within(popular).getByText('starred comment')).toBeInTheDocument();
    const recent = screen.getByRole('region', { name: /Recent comments/ });
    expect(await within(recent).findByText('fresh take')).toBeInTheDocument();
    const star = within(recent).getByRole('button', { name: 'Add a star to the comment of carol' });
    await userEvent.click(star);
    await waitFor(() =>
      expect(within(recent).getByRole('button', { name: 'Remove your star from the comment of carol' })).toHaveAttribute(
        'aria-pressed',
        'true',
      ),
    );
    expect(starredWith).toBe('Bearer access-1');
  });
});

describe('user page', () => {
  it('filters by site through the URL and shows the count in the heading', async () => {
    let query = '';
    server.use(
      http.get('*/api/v1/users/alice', () =>
        HttpResponse.json({ username: 'alice', display_name: 'Alice', bio: '', created_at: '2024-01-01T00:00:00Z', bookmark_count: 30 }),
      ),
      http.get('*/api/v1/users/alice/bookmarks', ({ request }) => {
        query = new URL(request.url).search;
        return HttpResponse.json({ items: [bookmark({ comment: 'my note' })], next_cursor: null });
      }),
      http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [{ tag: 'rust', count: 4 }] })),
      http.get('*/api/v1/users/alice/sites', () =>
        HttpResponse.json({ items: [{ domain: 'blog.example.com', count: 12 }] }),
      ),
    );
    renderApp('/alice?site=blog.example.com');
    expect(await screen.findByText('my note')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('filter-heading')).toHaveTextContent('Bookmarks / blog.example.com (12)'));
    expect(query).toContain('site=blog.example.com');
    const tagLink = screen.getByRole('link', { name: /^rust\(4\)/ });
    expect(tagLink).toHaveAttribute('href', '/alice?tag=rust&site=blog.example.com');
  });

  it('answers 404 for an unknown user', async () => {
    server.use(
      http.get('*/api/v1/users/nobody', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/nobody/bookmarks', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/nobody/tags', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/nobody/sites', () => problem(404, 'Not found')),
    );
    renderApp('/nobody');
    expect(await screen.findByText('No such user.')).toBeInTheDocument();
  });
});

describe('not found', () => {
  it('renders a 404 page for unknown deep paths', async () => {
    renderApp('/some/deep/path');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});

describe('session restore', () => {
  it('retries a transient refresh failure instead of showing a logged-out page', async () => {
    let calls = 0;
    server.use(
      http.post('*/api/v1/auth/refresh', () => {
        calls++;
        return calls === 1
          ? HttpResponse.json({ title: 'Unavailable', status: 503 }, { status: 503 })
          : HttpResponse.json({ user: { id: 1, username: 'alice', display_name: 'Alice', bio: '', role: 'user', created_at: '2024-01-01T00:00:00Z' }, access_token: 't', refresh_token: 'r', token_type: 'Bearer', expires_in: 900 });
      }),
      http.get('*/api/v1/entries/hot', () => HttpResponse.json({ items: [], next_cursor: null })),
    );
    renderApp('/');
    expect(await screen.findByRole('button', { name: 'Account menu for Alice' }, { timeout: 3000 })).toBeInTheDocument();
    expect(calls).toBe(2);
  });
});
