import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { comment, entry, entryBookmark, problem, signedIn } from '@/test/fixtures';

const mine = comment({ id: 70, user: { username: 'alice', display_name: 'Alice' }, comment: 'my own words' });
const carols = comment({ id: 71, user: { username: 'carol', display_name: 'Carol' }, comment: 'fresh take' });

/** An entry page whose comment lists leave out whom I muted. */
function entryPage(muted: Set<string>) {
  const visible = <T extends { user: { username: string } }>(items: T[]) => items.filter((c) => !muted.has(c.user.username));
  return [
    http.get('*/api/v1/entries/7', () => HttpResponse.json(entry({ id: 7, title: 'Entry seven' }))),
    http.get('*/api/v1/me/bookmark', () => problem(404, 'Not found')),
    http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })),
    http.get('*/api/v1/entries/7/comments', ({ request }) => {
      const sort = new URL(request.url).searchParams.get('sort');
      return HttpResponse.json({ items: sort === 'popular' ? [] : visible([carols, mine]), next_cursor: null });
    }),
    http.get('*/api/v1/entries/7/bookmarks', () =>
      HttpResponse.json({
        items: visible([
          entryBookmark({ id: 71, user: carols.user, comment: 'fresh take' }),
          entryBookmark({ id: 72, user: { username: 'dave', display_name: 'Dave' }, comment: '' }),
        ]),
        next_cursor: null,
      }),
    ),
  ];
}

async function openMenu(region: string, user: string) {
  const section = await screen.findByRole('region', { name: region });
  const button = await within(section).findByRole('button', { name: `More actions for the comment of ${user}` });
  await userEvent.click(button);
  return { section, button, menu: screen.getByRole('menu') };
}

describe('comment menu', () => {
  it('is an accessible menu that Escape closes', async () => {
    server.use(signedIn(), ...entryPage(new Set()));
    renderApp('/entry/7');
    const { button, menu } = await openMenu('Recent comments', 'carol');
    expect(button).toHaveAttribute('aria-haspopup', 'menu');
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const items = within(menu).getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual(['Mute carol', 'Report…']);
    expect(items[0]).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(items[1]).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(items[0]).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(button).toHaveFocus();
  });

  it('mutes the author: the comment leaves every list, and Undo brings it back', async () => {
    const muted = new Set<string>();
    const calls: string[] = [];
    server.use(
      signedIn(),
      ...entryPage(muted),
      http.put('*/api/v1/me/mutes/users/:name', ({ params }) => {
        calls.push(`PUT ${params.name}`);
        muted.add(String(params.name));
        return new HttpResponse(null, { status: 204 });
      }),
      http.delete('*/api/v1/me/mutes/users/:name', ({ params }) => {
        calls.push(`DELETE ${params.name}`);
        muted.delete(String(params.name));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderApp('/entry/7');
    const { section, menu } = await openMenu('Recent comments', 'carol');
    const all = screen.getByRole('region', { name: 'Everyone who bookmarked this' });
    expect(await within(all).findByText('fresh take')).toBeInTheDocument();
    await userEvent.click(within(menu).getByRole('menuitem', { name: 'Mute carol' }));
    await waitFor(() => expect(within(section).queryByText('fresh take')).not.toBeInTheDocument());
    await waitFor(() => expect(within(all).queryByText('fresh take')).not.toBeInTheDocument());
    expect(within(section).getByText('my own words')).toBeInTheDocument();
    expect(screen.getByText(/Muted carol\./)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await within(section).findByText('fresh take')).toBeInTheDocument();
    expect(await screen.findByText('Unmuted carol.')).toBeInTheDocument();
    expect(calls).toEqual(['PUT carol', 'DELETE carol']);
  });

  it('reports a comment with a reason and a note', async () => {
    let body: unknown = null;
    server.use(
      signedIn(),
      ...entryPage(new Set()),
      http.post('*/api/v1/reports', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          {
            id: 1,
            target: { kind: 'comment', id: 71 },
            reason: 'harassment',
            note: 'rude',
            status: 'open',
            created_at: '2024-05-06T07:08:09Z',
          },
          { status: 201 },
        );
      }),
    );
    renderApp('/entry/7');
    const { menu } = await openMenu('Recent comments', 'carol');
    await userEvent.click(within(menu).getByRole('menuitem', { name: 'Report…' }));
    const dialog = screen.getByRole('dialog', { name: 'Report the comment of carol' });
    const send = within(dialog).getByRole('button', { name: 'Send report' });
    expect(send).toBeDisabled();
    expect(within(dialog).getAllByRole('radio').map((r) => r.getAttribute('value'))).toEqual([
      'spam',
      'harassment',
      'illegal',
      'other',
    ]);
    await userEvent.click(within(dialog).getByRole('radio', { name: /Harassment/ }));
    await userEvent.type(within(dialog).getByLabelText('Note for the admins (optional)'), 'rude');
    expect(within(dialog).getByText('4/1,000')).toBeInTheDocument();
    await userEvent.click(send);
    expect(await screen.findByText('Thank you. The admins will look at your report.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(body).toEqual({ target: { kind: 'comment', id: 71 }, reason: 'harassment', note: 'rude' });
  });

  it('reports from the full list by the bookmark id; a bare bookmark can only be muted', async () => {
    let body: unknown = null;
    server.use(
      signedIn(),
      ...entryPage(new Set()),
      http.post('*/api/v1/reports', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { id: 2, target: { kind: 'comment', id: 71 }, reason: 'spam', note: '', status: 'open', created_at: '2024-05-06T07:08:09Z' },
          { status: 200 },
        );
      }),
    );
    renderApp('/entry/7');
    const { menu } = await openMenu('Everyone who bookmarked this', 'carol');
    await userEvent.click(within(menu).getByRole('menuitem', { name: 'Report…' }));
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: /Spam/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send report' }));
    // 200: reported before
    expect(await screen.findByText('You have reported this already. The admins will look at it.')).toBeInTheDocument();
    expect(body).toEqual({ target: { kind: 'comment', id: 71 }, reason: 'spam' });

    const bare = await openMenu('Everyone who bookmarked this', 'dave');
    expect(within(bare.menu).getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Mute dave']);
  });

  it('shows the problem: try later on 429, a field error beside the note', async () => {
    let calls = 0;
    server.use(
      signedIn(),
      ...entryPage(new Set()),
      http.post('*/api/v1/reports', () => {
        calls++;
        return calls === 1
          ? problem(429, 'Too Many Requests')
          : problem(400, 'Invalid input', [{ field: 'note', message: 'at most 1000 characters' }]);
      }),
    );
    renderApp('/entry/7');
    const { menu } = await openMenu('Recent comments', 'carol');
    await userEvent.click(within(menu).getByRole('menuitem', { name: 'Report…' }));
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: /Spam/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send report' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'You have sent many reports lately. Please try again later.',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send report' }));
    expect(await within(dialog).findByText('at most 1000 characters')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Note for the admins (optional)')).toHaveAttribute('aria-invalid', 'true');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('is not on my own comments, nor for anonymous viewers', async () => {
    server.use(signedIn(), ...entryPage(new Set()));
    const { unmount } = renderApp('/entry/7');
    const recent = await screen.findByRole('region', { name: 'Recent comments' });
    await within(recent).findByText('my own words');
    expect(within(recent).queryByRole('button', { name: /More actions for the comment of alice/ })).not.toBeInTheDocument();
    expect(within(recent).getByRole('button', { name: /More actions for the comment of carol/ })).toBeInTheDocument();
    unmount();

    server.resetHandlers();
    server.use(...entryPage(new Set()));
    renderApp('/entry/7');
    const anon = await screen.findByRole('region', { name: 'Recent comments' });
    await within(anon).findByText('fresh take');
    expect(screen.queryByRole('button', { name: /More actions/ })).not.toBeInTheDocument();
  });
});

describe('user page menu', () => {
  function profile(username: string) {
    return [
      http.get(`*/api/v1/users/${username}`, () =>
        HttpResponse.json({
          username,
          display_name: 'Bob',
          bio: '',
          created_at: '2024-01-01T00:00:00Z',
          bookmark_count: 0,
          following_count: 0,
          follower_count: 0,
          followed_by_me: false,
        }),
      ),
      http.get(`*/api/v1/users/${username}/bookmarks`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get(`*/api/v1/users/${username}/tags`, () => HttpResponse.json({ items: [] })),
      http.get(`*/api/v1/users/${username}/sites`, () => HttpResponse.json({ items: [] })),
    ];
  }

  it('reports the user by name', async () => {
    let body: unknown = null;
    server.use(
      signedIn(),
      ...profile('bob'),
      http.post('*/api/v1/reports', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { id: 3, target: { kind: 'user', id: 2 }, reason: 'other', note: 'impersonates me', status: 'open', created_at: '2024-05-06T07:08:09Z' },
          { status: 201 },
        );
      }),
    );
    renderApp('/bob');
    await userEvent.click(await screen.findByRole('button', { name: 'More actions for bob' }));
    expect(screen.getByRole('menuitem', { name: 'Mute bob' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('menuitem', { name: 'Report…' }));
    const dialog = screen.getByRole('dialog', { name: 'Report bob' });
    await userEvent.click(within(dialog).getByRole('radio', { name: /Something else/ }));
    await userEvent.type(within(dialog).getByRole('textbox'), 'impersonates me');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send report' }));
    expect(await screen.findByText('Thank you. The admins will look at your report.')).toBeInTheDocument();
    expect(body).toEqual({ target: { kind: 'user', id: 'bob' }, reason: 'other', note: 'impersonates me' });
  });

  it('is not on my own page', async () => {
    server.use(signedIn(), ...profile('alice'));
    renderApp('/alice');
    await screen.findByRole('heading', { name: /Bob/ });
    expect(screen.queryByRole('button', { name: /More actions/ })).not.toBeInTheDocument();
  });
});
