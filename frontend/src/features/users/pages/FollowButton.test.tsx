import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { bookmark, problem, signedIn } from '@/test/fixtures';

function profile(username: string, over: Record<string, unknown> = {}) {
  return {
    username,
    display_name: username[0]?.toUpperCase() + username.slice(1),
    bio: '',
    created_at: '2024-01-01T00:00:00Z',
    bookmark_count: 2,
    following_count: 5,
    follower_count: 3,
    ...over,
  };
}

/** The lists around a profile, which these tests do not look at. */
function userLists(username: string) {
  return [
    http.get(`*/api/v1/users/${username}/bookmarks`, () =>
      HttpResponse.json({ items: [bookmark({ user: { username, display_name: username } })], next_cursor: null }),
    ),
    http.get(`*/api/v1/users/${username}/tags`, () => HttpResponse.json({ items: [] })),
    http.get(`*/api/v1/users/${username}/sites`, () => HttpResponse.json({ items: [] })),
  ];
}

describe('follow button', () => {
  it('shows the follow at once, before the server answers', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let followed = false;
    let auth: string | null = null;
    server.use(
      signedIn(),
      http.get('*/api/v1/users/bob', () =>
        HttpResponse.json(profile('bob', { followed_by_me: followed, follower_count: followed ? 4 : 3 })),
      ),
      ...userLists('bob'),
      http.put('*/api/v1/users/bob/follow', async ({ request }) => {
        auth = request.headers.get('Authorization');
        await gate;
        followed = true;
        return HttpResponse.json({ user: { username: 'bob', display_name: 'Bob' }, followed_at: '2024-06-01T00:00:00Z' });
      }),
    );
    renderApp('/bob');
    const button = await screen.findByRole('button', { name: 'Follow' });
    expect(button).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('follower-count')).toHaveTextContent('3');

    await userEvent.click(button);
    // optimistic: the server has not answered yet
    expect(await screen.findByRole('button', { name: /^Following/ })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('follower-count')).toHaveTextContent('4');
    expect(followed).toBe(false);

    release();
    await waitFor(() => expect(followed).toBe(true));
    expect(auth).toBe('Bearer access-1');
    expect(screen.getByRole('button', { name: /^Following/ })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('follower-count')).toHaveTextContent('4');
  });

  it('rolls back and says so when the server refuses', async () => {
    server.use(
      signedIn(),
      http.get('*/api/v1/users/bob', () => HttpResponse.json(profile('bob', { followed_by_me: false }))),
      ...userLists('bob'),
      http.put('*/api/v1/users/bob/follow', () => problem(422, 'Following too many users')),
    );
    renderApp('/bob');
    await userEvent.click(await screen.findByRole('button', { name: 'Follow' }));
    expect(await screen.findByText('Could not follow. Try again.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Follow' })).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('follower-count')).toHaveTextContent('3');
  });

  it('unfollows with DELETE, and rolls back when that fails', async () => {
    let deletes = 0;
    server.use(
      signedIn(),
      http.get('*/api/v1/users/bob', () => HttpResponse.json(profile('bob', { followed_by_me: true }))),
      ...userLists('bob'),
      http.delete('*/api/v1/users/bob/follow', () => {
        deletes++;
        return HttpResponse.json({ type: 'about:blank', title: 'Oops', status: 500 }, { status: 500 });
      }),
    );
    renderApp('/bob');
    await userEvent.click(await screen.findByRole('button', { name: /^Following/ }));
    expect(await screen.findByText('Could not unfollow. Try again.')).toBeInTheDocument();
    expect(deletes).toBe(1);
    expect(screen.getByRole('button', { name: /^Following/ })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('follower-count')).toHaveTextContent('3');
  });

  it('is not on my own page', async () => {
    server.use(signedIn(), http.get('*/api/v1/users/alice', () => HttpResponse.json(profile('alice'))), ...userLists('alice'));
    renderApp('/alice');
    expect(await screen.findByTestId('follower-count')).toHaveTextContent('3');
    expect(screen.queryByRole('button', { name: 'Follow' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Log in to follow' })).not.toBeInTheDocument();
  });

  it('asks anonymous viewers to log in, and links the counts to their lists', async () => {
    server.use(http.get('*/api/v1/users/bob', () => HttpResponse.json(profile('bob'))), ...userLists('bob'));
    renderApp('/bob');
    expect(await screen.findByRole('link', { name: 'Log in to follow' })).toHaveAttribute('href', '/login?next=%2Fbob');
    expect(screen.queryByRole('button', { name: 'Follow' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: '5 following' })).toHaveAttribute('href', '/users/bob/following');
    expect(screen.getByRole('link', { name: '3 followers' })).toHaveAttribute('href', '/users/bob/followers');
  });
});

describe('follow lists', () => {
  it('lists followers with a next page', async () => {
    let query = '';
    server.use(
      http.get('*/api/v1/users/bob/followers', ({ request }) => {
        query = new URL(request.url).search;
        return HttpResponse.json({
          items: [
            { user: { username: 'carol', display_name: 'Carol C.' }, followed_at: '2024-06-01T00:00:00Z' },
            { user: { username: 'dave', display_name: '' }, followed_at: '2024-05-01T00:00:00Z' },
          ],
          next_cursor: 'c2',
        });
      }),
    );
    renderApp('/users/bob/followers');
    expect(await screen.findByRole('heading', { name: 'Followers of bob' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Carol C.' })).toHaveAttribute('href', '/carol');
    expect(screen.getByRole('link', { name: 'dave' })).toHaveAttribute('href', '/dave');
    expect(screen.getByRole('link', { name: /Next page/ })).toHaveAttribute('href', '/users/bob/followers?cursor=c2');
    expect(screen.getByRole('link', { name: 'following' })).toHaveAttribute('href', '/users/bob/following');
    expect(query).toContain('limit=20');
  });

  it('says when someone follows nobody, in Japanese', async () => {
    server.use(http.get('*/api/v1/users/bob/following', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderApp('/users/bob/following', { locale: 'ja' });
    expect(await screen.findByText('まだ誰もフォローしていません。')).toBeInTheDocument();
  });
});

