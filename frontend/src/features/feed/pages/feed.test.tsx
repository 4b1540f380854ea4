import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { bookmark, entry, signedIn } from '@/test/fixtures';

describe('feed page', () => {
  it("lists the followees' bookmarks with their names, pages and links its RSS feed", async () => {
    const queries: string[] = [];
    server.use(
      signedIn(),
      http.get('*/api/v1/me/feed', ({ request }) => {
        const q = new URL(request.url).searchParams;
        queries.push(q.toString());
        if (q.get('cursor') === 'p2') {
          return HttpResponse.json({ items: [bookmark({ comment: 'on page two' })], next_cursor: null });
        }
        return HttpResponse.json({
          items: [
            bookmark({ user: { username: 'bob', display_name: 'Bob B.' }, comment: 'newest from bob' }),
            bookmark({ user: { username: 'carol', display_name: 'Carol' }, comment: 'older from carol' }),
          ],
          next_cursor: 'p2',
        });
      }),
    );
    const { container } = renderApp('/feed', { probe: true });
    expect(await screen.findByText('newest from bob')).toBeInTheDocument();
    const rows = container.querySelectorAll('article');
    expect(within(rows[0] as HTMLElement).getByRole('link', { name: /Bob B\./ })).toHaveAttribute('href', '/bob');
    expect(within(rows[1] as HTMLElement).getByText('older from carol')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'RSS feed of the people you follow' })).toHaveAttribute('href', '/alice/feed.rss');
    expect(document.querySelector('link[rel="alternate"]')).toHaveAttribute('href', '/alice/feed.rss');
    // the header links to it when signed in
    expect(screen.getByRole('link', { name: 'Feed' })).toHaveAttribute('href', '/feed');

    // j/k move through it as through any list
    await userEvent.keyboard('j');
    expect(rows[0]).toHaveClass('is-selected');
    await userEvent.keyboard('j');
    expect(rows[1]).toHaveClass('is-selected');

    await userEvent.click(screen.getByRole('link', { name: /Next page/ }));
    expect(await screen.findByText('on page two')).toBeInTheDocument();
    expect(queries.at(-1)).toContain('cursor=p2');
  });

  it('filters by tag through the URL', async () => {
    const tags: (string | null)[] = [];
    server.use(
      signedIn(),
      http.get('*/api/v1/me/feed', ({ request }) => {
        const tag = new URL(request.url).searchParams.get('tag');
        tags.push(tag);
        return HttpResponse.json({
          items: tag ? [bookmark({ comment: `tagged ${tag}`, tags: [tag] })] : [bookmark({ comment: 'anything' })],
          next_cursor: null,
        });
      }),
    );
    renderApp('/feed', { probe: true });
    expect(await screen.findByText('anything')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Filter by tag'), 'rust{Enter}');
    expect(await screen.findByText('tagged rust')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/feed?tag=rust');
    expect(screen.getByRole('heading', { name: 'Feed: rust' })).toBeInTheDocument();
    expect(tags).toEqual([null, 'rust']);
    // a tag of a row narrows the feed too
    expect(screen.getByRole('link', { name: 'rust' })).toHaveAttribute('href', '/feed?tag=rust');
    await userEvent.click(screen.getByRole('link', { name: 'Clear filter' }));
    expect(await screen.findByText('anything')).toBeInTheDocument();
    expect(screen.getByLabelText('Filter by tag')).toHaveValue('');
  });

  it('explains an empty feed', async () => {
    server.use(signedIn(), http.get('*/api/v1/me/feed', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderApp('/feed', { locale: 'ja' });
    expect(await screen.findByText(/ユーザーページからフォローすると/)).toBeInTheDocument();
  });

  it('asks anonymous viewers to log in, and is not in their header', async () => {
    renderApp('/feed');
    expect(await screen.findByText('Log in to see the bookmarks of the people you follow.')).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: 'Log in' }).at(-1)).toHaveAttribute('href', '/login?next=%2Ffeed');
    expect(screen.queryByRole('link', { name: 'Feed' })).not.toBeInTheDocument();
  });
});

describe('my hot entries page', () => {
  it('shows entries with who of the people I follow bookmarked them', async () => {
    server.use(
      signedIn(),
      http.get('*/api/v1/me/hot', () =>
        HttpResponse.json({
          items: [
            {
              entry: entry({ id: 1, title: 'Popular among friends' }),
              followee_count: 5,
              followees: [
                { username: 'bob', display_name: 'Bob' },
                { username: 'carol', display_name: 'Carol' },
                { username: 'dave', display_name: 'Dave' },
                { username: 'erin', display_name: 'Erin' },
                { username: 'frank', display_name: 'Frank' },
              ],
            },
            {
              entry: entry({ id: 2, title: 'Only bob' }),
              followee_count: 1,
              followees: [{ username: 'bob', display_name: 'Bob' }],
            },
            {
              entry: entry({ id: 3, title: 'Two of them' }),
              followee_count: 2,
              followees: [
                { username: 'carol', display_name: 'Carol' },
                { username: 'bob', display_name: '' },
              ],
            },
          ],
          next_cursor: null,
        }),
      ),
    );
    const { container } = renderApp('/my/hot');
    expect(await screen.findByRole('heading', { name: 'My hot entries' })).toBeInTheDocument();
    const reasons = await screen.findAllByTestId('followees');
    expect(reasons.map((r) => r.textContent)).toEqual([
      'Bookmarked by Bob, Carol, Dave, and 2 others',
      'Bookmarked by Bob',
      'Bookmarked by Carol and bob',
    ]);
    expect(within(reasons[0] as HTMLElement).getByRole('link', { name: 'Carol' })).toHaveAttribute('href', '/carol');
    expect(screen.getByRole('link', { name: 'My hot entries' })).toHaveAttribute('href', '/my/hot');
    await userEvent.keyboard('jj');
    expect(container.querySelector('[data-shortcut-index="1"]')).toHaveClass('is-selected');
  });

  it('speaks Japanese', async () => {
    server.use(
      signedIn(),
      http.get('*/api/v1/me/hot', () =>
        HttpResponse.json({
          items: [
            {
              entry: entry({ id: 4 }),
              followee_count: 4,
              followees: [
                { username: 'bob', display_name: 'ボブ' },
                { username: 'carol', display_name: 'キャロル' },
              ],
            },
          ],
          next_cursor: null,
        }),
      ),
    );
    renderApp('/my/hot', { locale: 'ja' });
    const reason = await screen.findByTestId('followees');
    expect(reason).toHaveTextContent('ボブ、キャロル、ほか2人 がブックマーク');
  });

  it('explains an empty list and asks anonymous viewers to log in', async () => {
    server.use(signedIn(), http.get('*/api/v1/me/hot', () => HttpResponse.json({ items: [], next_cursor: null })));
    const first = renderApp('/my/hot');
    expect(await screen.findByText(/have not bookmarked anything lately/)).toBeInTheDocument();
    first.unmount();
    server.resetHandlers();
    renderApp('/my/hot');
    expect(await screen.findByText('Log in to see what the people you follow are reading.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'My hot entries' })).not.toBeInTheDocument());
  });
});
