import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { focusManager } from '@tanstack/react-query';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { entry, notification, problem, signedIn } from '@/test/fixtures';
import { UNREAD_POLL_MS } from '../api/notifications';

function hot() {
  return http.get('*/api/v1/entries/hot', () => HttpResponse.json({ items: [entry({ id: 1 })], next_cursor: null }));
}

describe('notification bell', () => {
  afterEach(() => {
    vi.useRealTimers();
    focusManager.setFocused(undefined);
  });

  it('shows the unread count, links to the notifications and hides the badge at 0', async () => {
    let unread = 3;
    server.use(
      signedIn(),
      hot(),
      http.get('*/api/v1/me/notifications/unread-count', () => HttpResponse.json({ unread_count: unread })),
    );
    renderApp('/');
    const bell = await screen.findByRole('link', { name: 'Notifications (3 unread)' });
    expect(bell).toHaveAttribute('href', '/notifications');
    expect(within(bell).getByTestId('unread-count')).toHaveTextContent('3');
    unread = 0;
    await act(() => focusManager.setFocused(true));
    expect(await screen.findByRole('link', { name: 'Notifications' })).toBeInTheDocument();
    expect(screen.queryByTestId('unread-count')).not.toBeInTheDocument();
  });

  it('caps the badge at 99+', async () => {
    server.use(
      signedIn(),
      hot(),
      http.get('*/api/v1/me/notifications/unread-count', () => HttpResponse.json({ unread_count: 1234 })),
    );
    renderApp('/');
    expect(await screen.findByTestId('unread-count')).toHaveTextContent('99+');
  });

  it('polls every 30 s while the tab is visible, and not while it is hidden', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let calls = 0;
    server.use(
      signedIn(),
      hot(),
      http.get('*/api/v1/me/notifications/unread-count', () => {
        calls++;
        return HttpResponse.json({ unread_count: calls });
      }),
    );
    renderApp('/');
    expect(await screen.findByTestId('unread-count')).toHaveTextContent('1');
    await act(() => vi.advanceTimersByTimeAsync(UNREAD_POLL_MS));
    expect(await screen.findByTestId('unread-count')).toHaveTextContent('2');
    // hidden: the interval passes without a request
    act(() => focusManager.setFocused(false));
    await act(() => vi.advanceTimersByTimeAsync(UNREAD_POLL_MS * 3));
    expect(calls).toBe(2);
    // shown again: it catches up at once
    act(() => focusManager.setFocused(true));
    await waitFor(() => expect(calls).toBe(3));
  });

  it('is not there when signed out', async () => {
    server.use(hot());
    renderApp('/');
    await screen.findByRole('link', { name: 'Log in' });
    expect(screen.queryByRole('link', { name: /Notifications/ })).not.toBeInTheDocument();
  });
});

const star = notification({
  id: 30,
  kind: 'star',
  subject: { comment: { id: 7, comment: 'my sharp take' }, entry: { id: 5, title: 'Rust 2024', url: 'https://r.example/' } },
  actors: [
    { username: 'bob', display_name: 'Bob' },
    { username: 'carol', display_name: '' },
    { username: 'dave', display_name: 'Dave' },
  ],
  actor_count: 6,
  read: false,
});
const follow = notification({
  id: 20,
  kind: 'follow',
  actors: [{ username: 'erin', display_name: 'Erin' }],
  actor_count: 1,
  read: false,
});
const first = notification({
  id: 10,
  kind: 'first_bookmark',
  subject: { entry: { id: 6, title: 'A quiet page', url: 'https://q.example/' } },
  actors: [],
  actor_count: 10,
  read: true,
});

describe('notifications page', () => {
  it('says who did what and marks the unread ones', async () => {
    server.use(
      signedIn(),
      http.get('*/api/v1/me/notifications/unread-count', () => HttpResponse.json({ unread_count: 2 })),
      http.get('*/api/v1/me/notifications', () =>
        HttpResponse.json({ items: [star, follow, first], next_cursor: null, unread_count: 2 }),
      ),
      http.get('*/api/v1/users/erin', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/erin/*', () => problem(404, 'Not found')),
    );
    const { container } = renderApp('/notifications', { probe: true });
    expect(await screen.findByRole('heading', { name: 'Notifications' })).toBeInTheDocument();
    const items = await screen.findAllByRole('listitem');
    const texts = container.querySelectorAll('.notification__text');
    expect([...texts].map((p) => p.textContent)).toEqual([
      'Unread: Bob, carol, Dave, and 3 others starred your comment on Rust 2024',
      'Unread: Erin followed you',
      'Your first bookmark of A quiet page reached 10 users',
    ]);
    expect(within(items[0] as HTMLElement).getByRole('link', { name: 'Rust 2024' })).toHaveAttribute('href', '/entry/5');
    expect(within(items[0] as HTMLElement).getByRole('link', { name: 'carol' })).toHaveAttribute('href', '/carol');
    expect(within(items[0] as HTMLElement).getByText('my sharp take')).toBeInTheDocument();
    expect(within(items[1] as HTMLElement).getByRole('link', { name: 'Erin' })).toHaveAttribute('href', '/erin');
    expect(items[0]).toHaveClass('is-unread');
    expect(items[2]).not.toHaveClass('is-unread');
    expect(screen.getByTestId('unread-summary')).toHaveTextContent('2 unread');

    // j/k move through them as through any list; e opens the entry or the follower's page
    await userEvent.keyboard('jj');
    expect(container.querySelector('[data-shortcut-index="1"]')).toHaveClass('is-selected');
    await userEvent.keyboard('e');
    expect(screen.getByTestId('location')).toHaveTextContent('/erin');
  });

  it('goes to the next page by cursor', async () => {
    const cursors: (string | null)[] = [];
    server.use(
      signedIn(),
      http.get('*/api/v1/me/notifications', ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return cursor === 'n2'
          ? HttpResponse.json({
              items: [notification({ id: 5, actors: [{ username: 'zed', display_name: 'Zed' }], read: true })],
              next_cursor: null,
              unread_count: 0,
            })
          : HttpResponse.json({ items: [follow], next_cursor: 'n2', unread_count: 1 });
      }),
    );
    renderApp('/notifications', { probe: true });
    await screen.findByRole('link', { name: 'Erin' });
    await userEvent.click(screen.getByRole('link', { name: /Next page/ }));
    expect(await screen.findByRole('link', { name: 'Zed' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/notifications?cursor=n2');
    expect(cursors).toEqual([null, 'n2']);
  });

  it('marks all as read up to the newest, and the bell follows', async () => {
    let read = false;
    let body: unknown = null;
    server.use(
      signedIn(),
      http.get('*/api/v1/me/notifications/unread-count', () => HttpResponse.json({ unread_count: read ? 0 : 2 })),
      http.get('*/api/v1/me/notifications', () =>
        HttpResponse.json({
          items: [star, follow, first].map((n) => ({ ...n, read: read || n.read })),
          next_cursor: null,
          unread_count: read ? 0 : 2,
        }),
      ),
      http.post('*/api/v1/me/notifications/read', async ({ request }) => {
        body = await request.json();
        read = true;
        return HttpResponse.json({ unread_count: 0 });
      }),
    );
    const { container } = renderApp('/notifications');
    expect(await screen.findByRole('link', { name: 'Notifications (2 unread)' })).toBeInTheDocument();
    await screen.findByText('my sharp take');
    await userEvent.click(screen.getByRole('button', { name: 'Mark all as read' }));
    expect(await screen.findByText('All notifications marked as read.')).toBeInTheDocument();
    expect(body).toEqual({ up_to: 30 });
    expect(await screen.findByRole('link', { name: 'Notifications' })).toBeInTheDocument();
    expect(screen.queryByTestId('unread-count')).not.toBeInTheDocument();
    await waitFor(() => expect(container.querySelectorAll('.is-unread')).toHaveLength(0));
    expect(screen.getByRole('button', { name: 'Mark all as read' })).toBeDisabled();
    expect(screen.getByText('All caught up.')).toBeInTheDocument();
  });

  it('speaks Japanese', async () => {
    server.use(
      signedIn(),
      http.get('*/api/v1/me/notifications/unread-count', () => HttpResponse.json({ unread_count: 2 })),
      http.get('*/api/v1/me/notifications', () =>
        HttpResponse.json({ items: [star, follow, first], next_cursor: null, unread_count: 2 }),
      ),
    );
    const { container } = renderApp('/notifications', { locale: 'ja' });
    expect(await screen.findByRole('heading', { name: '通知' })).toBeInTheDocument();
    await screen.findByText('my sharp take');
    expect([...container.querySelectorAll('.notification__text')].map((p) => p.textContent)).toEqual([
      '未読: Bob、carol、Dave、ほか3人 があなたの「Rust 2024」へのコメントにスターを付けました',
      '未読: Erin があなたをフォローしました',
      'あなたが最初にブックマークした「A quiet page」が 10 users に達しました',
    ]);
    expect(screen.getByRole('button', { name: 'すべて既読にする' })).toBeEnabled();
    expect(screen.getByRole('link', { name: '通知（未読 2 件）' })).toBeInTheDocument();
  });

  it('asks anonymous visitors to log in', async () => {
    renderApp('/notifications');
    expect(await screen.findByText('Log in to see your notifications.')).toBeInTheDocument();
  });
});
