import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { signedIn } from '@/test/fixtures';

function settingsHandlers() {
  return [
    signedIn(),
    http.get('*/api/v1/me/tokens', () => HttpResponse.json({ items: [] })),
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

  it('asks anonymous visitors to log in', async () => {
    renderApp('/settings');
    expect(await screen.findByText('Log in to change your settings.')).toBeInTheDocument();
  });
});
