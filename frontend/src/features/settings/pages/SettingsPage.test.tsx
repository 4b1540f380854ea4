import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { problem, signedIn } from '@/test/fixtures';

function settingsHandlers() {
  return [
    signedIn(),
    http.get('*/api/v1/me/tokens', () => HttpResponse.json({ items: [] })),
    http.get('*/api/v1/me/hatena-apps', () => HttpResponse.json({ items: [] })),
    http.get('*/api/v1/me/mutes', () => HttpResponse.json({ users: [], words: [], sites: [] })),
    http.get('*/api/v1/users/alice/tags', () =>
      HttpResponse.json({ items: [{ tag: 'js', count: 3 }, { tag: 'javascript', count: 1 }] }),
    ),
  ];
}

describe('settings', () => {
  it('renames (merges) a tag', async () => {
    let body: unknown = null;
    server.use(
      ...settingsHandlers(),
      http.post('*/api/v1/me/tags/rename', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ bookmarks_changed: 3 });
      }),
    );
    renderApp('/settings');
    const section = await screen.findByRole('region', { name: 'Tags' });
    await waitFor(() => expect(within(section).getAllByRole('option')).toHaveLength(3));
    await userEvent.selectOptions(within(section).getByLabelText('Tag'), 'js');
    await userEvent.type(within(section).getByLabelText('New name'), 'javascript');
    await userEvent.click(within(section).getByRole('button', { name: 'Rename' }));
    expect(await screen.findByText('Tag renamed.')).toBeInTheDocument();
    expect(body).toEqual({ from: 'js', to: 'javascript' });
  });

  it('shows a new API token once with a copy button', async () => {
    server.use(
      ...settingsHandlers(),
      http.post('*/api/v1/me/tokens', async ({ request }) => {
        const { name, scope } = (await request.json()) as { name: string; scope: 'read' | 'write' };
        return HttpResponse.json(
          { id: 5, name, scope, created_at: '2024-01-01T00:00:00Z', last_used_at: null, token: 'bkm_secret' },
          { status: 201 },
        );
      }),
    );
    renderApp('/settings');
    await userEvent.type(await screen.findByLabelText('Token name'), 'cli');
    await userEvent.selectOptions(screen.getByLabelText('Scope'), 'write');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByTestId('new-token')).toHaveTextContent('bkm_secret');
    expect(screen.getByRole('button', { name: 'Copy the token' })).toBeInTheDocument();
  });

  it('changes the password and shows a wrong current password', async () => {
    const bodies: unknown[] = [];
    server.use(
      ...settingsHandlers(),
      http.post('*/api/v1/me/password', async ({ request }) => {
        const body = (await request.json()) as { current_password: string };
        bodies.push(body);
        if (body.current_password !== 'old password') {
          return problem(403, 'the password is wrong');
        }
        return HttpResponse.json({ access_token: 'new.jwt.token', token_type: 'Bearer', expires_in: 900 });
      }),
    );
    renderApp('/settings');
    const section = await screen.findByRole('region', { name: 'Account' });
    await userEvent.type(within(section).getByLabelText('Current password'), 'not it');
    await userEvent.type(within(section).getByLabelText('New password'), 'new password 1');
    await userEvent.click(within(section).getByRole('button', { name: 'Change password' }));
    expect(await within(section).findByRole('alert')).toHaveTextContent('the password is wrong');
    await userEvent.clear(within(section).getByLabelText('Current password'));
    await userEvent.type(within(section).getByLabelText('Current password'), 'old password');
    await userEvent.click(within(section).getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed. Your other sessions were signed out.')).toBeInTheDocument();
    expect(bodies).toEqual([
      { current_password: 'not it', new_password: 'new password 1' },
      { current_password: 'old password', new_password: 'new password 1' },
    ]);
  });

  it('deletes the account only after the password and the typed username', async () => {
    let body: unknown = null;
    server.use(
      ...settingsHandlers(),
      http.delete('*/api/v1/me', async ({ request }) => {
        body = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderApp('/settings');
    const section = await screen.findByRole('region', { name: 'Account' });
    await userEvent.click(within(section).getByRole('button', { name: 'Delete account' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete account' });
    const forever = within(dialog).getByRole('button', { name: 'Delete my account forever' });
    await userEvent.type(within(dialog).getByLabelText('Password'), 'my password');
    expect(forever).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText('Type your username “alice” to confirm'), 'alice');
    expect(forever).toBeEnabled();
    await userEvent.click(forever);
    expect(await screen.findByText('Your account was deleted.')).toBeInTheDocument();
    expect(body).toEqual({ password: 'my password' });
  });

  it('asks anonymous visitors to log in', async () => {
    renderApp('/settings');
    expect(await screen.findByText('Log in to change your settings.')).toBeInTheDocument();
  });
});

describe('mutes settings', () => {
  /** A mute list the handlers below change, as the server would. */
  function mutesServer() {
    const state = {
      users: [{ user: { username: 'bob', display_name: 'Bob' }, muted_at: '2024-05-01T00:00:00Z' }],
      words: [{ word: 'crypto', muted_at: '2024-05-02T00:00:00Z' }],
      sites: [] as { domain: string; muted_at: string }[],
    };
    const calls: string[] = [];
    const handlers = [
      // before the generic handlers, whose empty list it replaces
      http.get('*/api/v1/me/mutes', () => HttpResponse.json(state)),
      ...settingsHandlers(),
      http.delete('*/api/v1/me/mutes/users/:name', ({ params }) => {
        calls.push(`unmute user ${params.name}`);
        state.users = state.users.filter((u) => u.user.username !== params.name);
        return new HttpResponse(null, { status: 204 });
      }),
      http.post('*/api/v1/me/mutes/words', async ({ request }) => {
        const { word } = (await request.json()) as { word: string };
        calls.push(`mute word ${word}`);
        if (word === 'x'.repeat(32) + 'y') return problem(400, 'Invalid input', [{ field: 'word', message: 'at most 32 characters' }]);
        if (word === 'full') return problem(422, 'You have muted 200 words, the most you can.');
        const muted = { word: word.toLowerCase(), muted_at: '2024-05-03T00:00:00Z' };
        state.words = [muted, ...state.words];
        return HttpResponse.json(muted, { status: 201 });
      }),
      http.delete('*/api/v1/me/mutes/words/:word', ({ params }) => {
        calls.push(`unmute word ${params.word}`);
        state.words = state.words.filter((w) => w.word !== params.word);
        return new HttpResponse(null, { status: 204 });
      }),
      http.post('*/api/v1/me/mutes/sites', async ({ request }) => {
        const { domain } = (await request.json()) as { domain: string };
        calls.push(`mute site ${domain}`);
        if (!domain.includes('.')) return problem(400, 'Invalid input', [{ field: 'domain', message: 'not a host name' }]);
        const muted = { domain, muted_at: '2024-05-04T00:00:00Z' };
        state.sites = [muted, ...state.sites];
        return HttpResponse.json(muted, { status: 201 });
      }),
      http.delete('*/api/v1/me/mutes/sites/:domain', ({ params }) => {
        calls.push(`unmute site ${params.domain}`);
        state.sites = state.sites.filter((s) => s.domain !== params.domain);
        return new HttpResponse(null, { status: 204 });
      }),
    ];
    return { handlers, calls };
  }

  it('lists muted users, words and sites, each with an Unmute button', async () => {
    const { handlers, calls } = mutesServer();
    server.use(...handlers);
    renderApp('/settings');
    const section = await screen.findByRole('region', { name: 'Mutes' });
    const users = await within(section).findByRole('list', { name: 'Users' });
    expect(within(users).getByRole('link', { name: /Bob/ })).toHaveAttribute('href', '/bob');
    expect(within(section).getByRole('list', { name: 'Words' })).toHaveTextContent('crypto');
    expect(within(section).getByText('No muted sites.')).toBeInTheDocument();

    await userEvent.click(within(users).getByRole('button', { name: 'Unmute bob' }));
    expect(await within(section).findByText(/No muted users/)).toBeInTheDocument();
    await userEvent.click(within(section).getByRole('button', { name: 'Unmute the word crypto' }));
    expect(await within(section).findByText('No muted words.')).toBeInTheDocument();
    expect(calls).toEqual(['unmute user bob', 'unmute word crypto']);
  });

  it('adds a word and a site, and shows the field errors and limits the server sends', async () => {
    const { handlers, calls } = mutesServer();
    server.use(...handlers);
    renderApp('/settings');
    const section = await screen.findByRole('region', { name: 'Mutes' });
    const word = within(section).getByLabelText('Mute a word');
    const site = within(section).getByLabelText('Mute a site');
    const [muteWord, muteSite] = within(section).getAllByRole('button', { name: 'Mute' });

    await userEvent.type(word, 'Spoiler');
    await userEvent.click(muteWord as HTMLElement);
    expect(await screen.findByText('Muted the word “Spoiler”.')).toBeInTheDocument();
    expect(await within(section).findByRole('list', { name: 'Words' })).toHaveTextContent('spoiler');
    expect(word).toHaveValue('');

    // a 422 limit is a message for the form
    await userEvent.type(word, 'full');
    await userEvent.click(muteWord as HTMLElement);
    expect(await within(section).findByRole('alert')).toHaveTextContent('You have muted 200 words, the most you can.');
    expect(word).toHaveValue('full');

    // a 400 field error sits beside its field
    await userEvent.type(site, 'localhost');
    await userEvent.click(muteSite as HTMLElement);
    expect(await within(section).findByText('not a host name')).toBeInTheDocument();
    expect(site).toHaveAttribute('aria-invalid', 'true');
    await userEvent.clear(site);
    await userEvent.type(site, 'ads.example');
    await userEvent.click(muteSite as HTMLElement);
    const sites = await within(section).findByRole('list', { name: 'Sites' });
    expect(sites).toHaveTextContent('ads.example');
    expect(site).not.toHaveAttribute('aria-invalid');
    await userEvent.click(within(sites).getByRole('button', { name: 'Unmute the site ads.example' }));
    expect(await within(section).findByText('No muted sites.')).toBeInTheDocument();
    expect(calls).toEqual(['mute word Spoiler', 'mute word full', 'mute site localhost', 'mute site ads.example', 'unmute site ads.example']);
  });

  it('speaks Japanese', async () => {
    const { handlers } = mutesServer();
    server.use(...handlers);
    renderApp('/settings', { locale: 'ja' });
    const section = await screen.findByRole('region', { name: 'ミュート' });
    expect(await within(section).findByRole('button', { name: 'bob のミュートを解除' })).toBeInTheDocument();
    expect(within(section).getByLabelText('ミュートする語句')).toBeInTheDocument();
  });
});
