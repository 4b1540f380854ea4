import { screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { comment, entry, problem, signedIn } from '@/test/fixtures';

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
      http.get('*/api/v1/entries/7/bookmarks', () => HttpResponse.json({ items: [], next_cursor: null })),
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

  it('shows the bookmarks of whom I follow first, and everyone who bookmarked below', async () => {
    const e = entry({ id: 8, title: 'Entry eight' });
    const filters: (string | null)[] = [];
    server.use(
      signedIn(),
      http.get('*/api/v1/entries/8', () => HttpResponse.json(e)),
      http.get('*/api/v1/me/bookmark', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })),
      http.get('*/api/v1/entries/8/comments', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get('*/api/v1/entries/8/bookmarks', ({ request }) => {
        const q = new URL(request.url).searchParams;
        filters.push(q.get('filter'));
        if (q.get('filter') === 'following') {
          return HttpResponse.json({
            items: [{ id: 80, user: { username: 'bob', display_name: 'Bob' }, comment: 'bob says hi', tags: [], created_at: '2024-05-06T07:08:09Z' }],
            next_cursor: null,
          });
        }
        if (q.get('cursor') === 'n2') {
          return HttpResponse.json({
            items: [{ id: 82, user: { username: 'erin', display_name: 'Erin' }, comment: '', tags: [], created_at: '2024-05-01T07:08:09Z' }],
            next_cursor: null,
          });
        }
        return HttpResponse.json({
          items: [
            { id: 80, user: { username: 'bob', display_name: 'Bob' }, comment: 'bob says hi', tags: [], created_at: '2024-05-06T07:08:09Z' },
            { id: 81, user: { username: 'dave', display_name: 'Dave' }, comment: '', tags: ['later'], created_at: '2024-05-05T07:08:09Z' },
          ],
          next_cursor: 'n2',
        });
      }),
    );
    renderApp('/entry/8');
    const followees = await screen.findByRole('region', { name: 'Bookmarks by people you follow' });
    expect(within(followees).getByText('bob says hi')).toBeInTheDocument();
    const all = screen.getByRole('region', { name: 'Everyone who bookmarked this' });
    // the followees' block comes before the comments and the full list
    const regions = screen
      .getAllByRole('region')
      .map((r) => r.getAttribute('aria-labelledby'))
      .filter((id) => id !== 'my-bookmark-title');
    expect(regions[0]).toBe('entry-bookmarks-following');
    expect(regions.at(-1)).toBe('entry-bookmarks-all');
    // with and without comments
    expect(await within(all).findByRole('link', { name: 'dave' })).toHaveAttribute('href', '/dave');
    expect(within(all).getByText('bob says hi')).toBeInTheDocument();
    await userEvent.click(within(all).getByRole('button', { name: 'More bookmarks' }));
    expect(await within(all).findByRole('link', { name: 'erin' })).toBeInTheDocument();
    expect(filters).toContain('following');
    expect(filters).toContain('all');
  });

  it('hides the followees block when none of them bookmarked, and for anonymous viewers', async () => {
    const e = entry({ id: 9, title: 'Entry nine' });
    const filters: (string | null)[] = [];
    server.use(
      http.get('*/api/v1/entries/9', () => HttpResponse.json(e)),
      http.get('*/api/v1/entries/9/comments', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get('*/api/v1/entries/9/bookmarks', ({ request }) => {
        filters.push(new URL(request.url).searchParams.get('filter'));
        return HttpResponse.json({
          items: [{ id: 90, user: { username: 'dave', display_name: 'Dave' }, comment: '', tags: [], created_at: '2024-05-05T07:08:09Z' }],
          next_cursor: null,
        });
      }),
    );
    renderApp('/entry/9');
    const all = await screen.findByRole('region', { name: 'Everyone who bookmarked this' });
    expect(await within(all).findByRole('link', { name: 'dave' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Bookmarks by people you follow' })).not.toBeInTheDocument();
    expect(filters).toEqual(['all']);
  });
});
