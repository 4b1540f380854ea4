import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { admin, problem, reportCase, signedIn } from '@/test/fixtures';

const commentCase = reportCase({ id: 1 });
const userCase = reportCase({
  id: 2,
  target: { kind: 'user', id: 33 },
  subject: { user: { username: 'troll', display_name: 'Troll', suspended: false } },
  open_count: 1,
  report_count: 1,
  recent_reports: [
    {
      id: 900,
      reporter: { username: 'carol', display_name: 'Carol' },
      reason: 'harassment',
      note: 'keeps insulting people',
      created_at: '2024-05-06T07:08:09Z',
      resolved: false,
    },
  ],
});
const entryCase = reportCase({
  id: 3,
  target: { kind: 'entry', id: 50 },
  subject: { entry: { id: 50, url: 'https://bad.example/', title: 'Bad page', hidden: false } },
});

describe('admin page', () => {
  it('tells a non-admin they are not allowed, and has no link for them', async () => {
    server.use(signedIn(), http.get('*/api/v1/entries/hot', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderApp('/admin');
    expect(await screen.findByTestId('not-allowed')).toHaveTextContent('You are not allowed to see this page. Only admins can.');
    await userEvent.click(screen.getByRole('button', { name: /Account menu/ }));
    expect(screen.getByRole('link', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
  });

  it('asks anonymous visitors to log in', async () => {
    renderApp('/admin');
    expect(await screen.findByText('Log in as an admin to see the report queue.')).toBeInTheDocument();
  });

  it('shows the queue with counts and reasons, offers the actions that fit, and resolves', async () => {
    let open = [commentCase, userCase, entryCase];
    let body: unknown = null;
    const statuses: (string | null)[] = [];
    server.use(
      signedIn(admin),
      http.get('*/api/v1/admin/reports', ({ request }) => {
        const status = new URL(request.url).searchParams.get('status');
        statuses.push(status);
        return HttpResponse.json({ items: status === 'open' ? open : [], next_cursor: null });
      }),
      http.post('*/api/v1/admin/reports/1/resolve', async ({ request }) => {
        body = await request.json();
        open = open.filter((c) => c.id !== 1);
        return HttpResponse.json({ ...commentCase, status: 'resolved', open_count: 0, resolution: 'hide_comment' });
      }),
    );
    const { container } = renderApp('/admin');
    // the user menu links here for admins
    await userEvent.click(await screen.findByRole('button', { name: /Account menu/ }));
    expect(screen.getByRole('link', { name: 'Admin' })).toHaveAttribute('href', '/admin');
    await userEvent.keyboard('{Escape}');

    const first = await screen.findByRole('article', { name: 'Reported Comment #500' });
    expect(within(first).getByTestId('report-count')).toHaveTextContent('2 reports');
    expect(within(first).getByRole('list', { name: 'Reasons' })).toHaveTextContent('Spam ×2');
    expect(within(first).getByText('buy cheap pills')).toBeInTheDocument();
    expect(within(first).getByRole('link', { name: 'Post fifty' })).toHaveAttribute('href', '/entry/50');
    expect(within(first).getByText('selling things')).toBeInTheDocument();
    const actions = (name: string) =>
      within(screen.getByRole('article', { name })).getAllByRole('button').map((b) => b.textContent);
    expect(actions('Reported Comment #500')).toEqual(['Dismiss', 'Hide comment', 'Hide entry', 'Suspend user']);
    expect(actions('Reported User #33')).toEqual(['Dismiss', 'Suspend user']);
    expect(actions('Reported Entry #50')).toEqual(['Dismiss', 'Hide entry']);

    // j/k move through the queue
    await userEvent.keyboard('jj');
    expect(container.querySelector('[data-shortcut-index="1"]')).toHaveClass('is-selected');

    await userEvent.type(within(first).getByLabelText('Note for the moderation log'), 'spam link');
    await userEvent.click(within(first).getByRole('button', { name: 'Hide comment' }));
    expect(await screen.findByText('Resolved.')).toBeInTheDocument();
    expect(body).toEqual({ action: 'hide_comment', note: 'spam link' });
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Reported Comment #500' })).not.toBeInTheDocument());

    await userEvent.click(screen.getByRole('link', { name: 'Resolved' }));
    expect(await screen.findByText('No resolved reports yet.')).toBeInTheDocument();
    expect(statuses).toContain('resolved');
  });

  it('shows why resolving failed', async () => {
    server.use(
      signedIn(admin),
      http.get('*/api/v1/admin/reports', () => HttpResponse.json({ items: [userCase], next_cursor: null })),
      http.post('*/api/v1/admin/reports/2/resolve', () => problem(409, 'every report of this target is resolved')),
    );
    renderApp('/admin');
    const card = await screen.findByRole('article', { name: 'Reported User #33' });
    await userEvent.click(within(card).getByRole('button', { name: 'Dismiss' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent('every report of this target is resolved');
  });

  it('lists the moderation log with Unsuspend and Unhide where they apply', async () => {
    const calls: string[] = [];
    server.use(
      signedIn(admin),
      http.get('*/api/v1/admin/moderation-log', () =>
        HttpResponse.json({
          items: [
            {
              id: 3,
              action: 'suspend_user',
              actor: { username: 'root', display_name: 'Root' },
              target: { kind: 'user', id: 33 },
              user: { username: 'troll', display_name: 'Troll' },
              case_id: 2,
              note: 'repeat offender',
              created_at: '2024-05-07T00:00:00Z',
            },
            {
              id: 2,
              action: 'hide_comment',
              actor: { username: 'root', display_name: 'Root' },
              target: { kind: 'comment', id: 500 },
              case_id: 1,
              note: '',
              created_at: '2024-05-06T00:00:00Z',
            },
            {
              id: 1,
              action: 'dismiss',
              actor: null,
              target: { kind: 'entry', id: 50 },
              case_id: 3,
              note: '',
              created_at: '2024-05-05T00:00:00Z',
            },
          ],
          next_cursor: null,
        }),
      ),
      http.post('*/api/v1/admin/users/:name/unsuspend', ({ params }) => {
        calls.push(`unsuspend ${params.name}`);
        return new HttpResponse(null, { status: 204 });
      }),
      http.post('*/api/v1/admin/comments/:id/unhide', ({ params }) => {
        calls.push(`unhide ${params.id}`);
        return problem(409, 'The comment is not hidden');
      }),
    );
    renderApp('/admin?tab=log');
    const log = await screen.findAllByRole('listitem');
    expect(log[0]).toHaveTextContent('Suspend user');
    expect(within(log[0] as HTMLElement).getByRole('link', { name: 'id:troll' })).toHaveAttribute('href', '/troll');
    expect(log[0]).toHaveTextContent('repeat offender');
    expect(within(log[2] as HTMLElement).queryByRole('button')).not.toBeInTheDocument();
    await userEvent.click(within(log[0] as HTMLElement).getByRole('button', { name: 'Unsuspend troll' }));
    expect(await screen.findByText('The user can sign in again.')).toBeInTheDocument();
    await userEvent.click(within(log[1] as HTMLElement).getByRole('button', { name: 'Unhide the comment' }));
    expect(await screen.findByText('The comment is not hidden')).toBeInTheDocument();
    expect(calls).toEqual(['unsuspend troll', 'unhide 500']);
  });

  it('offers no undo for what a newer action undid', async () => {
    const item = (id: number, action: string, kind: 'user' | 'comment', target: number) => ({
      id,
      action,
      actor: { username: 'root', display_name: 'Root' },
      target: { kind, id: target },
      ...(kind === 'user' ? { user: { username: `u${target}`, display_name: '' } } : {}),
      case_id: null,
      note: '',
      created_at: '2024-05-07T00:00:00Z',
    });
    server.use(
      signedIn(admin),
      http.get('*/api/v1/admin/moderation-log', () =>
        HttpResponse.json({
          items: [
            item(6, 'hide_comment', 'comment', 70),
            item(5, 'unhide_comment', 'comment', 70),
            item(4, 'hide_comment', 'comment', 70),
            item(3, 'unsuspend_user', 'user', 8),
            item(2, 'suspend_user', 'user', 8),
            item(1, 'suspend_user', 'user', 9),
          ],
          next_cursor: null,
        }),
      ),
    );
    renderApp('/admin?tab=log');
    const rows = await screen.findAllByRole('listitem');
    expect(rows.map((r) => within(r).queryByRole('button')?.textContent ?? null)).toEqual([
      'Unhide',
      null,
      null,
      null,
      null,
      'Unsuspend',
    ]);
  });

  it('speaks Japanese', async () => {
    server.use(
      signedIn(admin),
      http.get('*/api/v1/admin/reports', () => HttpResponse.json({ items: [commentCase], next_cursor: null })),
    );
    renderApp('/admin', { locale: 'ja' });
    expect(await screen.findByRole('heading', { name: 'モデレーション' })).toBeInTheDocument();
    const card = await screen.findByRole('article', { name: '通報されたコメント #500' });
    expect(within(card).getByRole('button', { name: 'コメントを非表示' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '未対応の通報' })).toHaveAttribute('aria-current', 'page');
  });
});
