import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { signedIn } from '@/test/fixtures';

const listed = {
  id: 7,
  name: 'old add-on',
  scope: 'read',
  consumer_key: 'ck_listed',
  access_token: 'at_listed',
  created_at: '2026-12-01T00:00:00Z',
  last_used_at: null,
};

function handlers(apps: { items: unknown[] }) {
  return [
    signedIn(),
    http.get('*/api/v1/me/tokens', () => HttpResponse.json({ items: [] })),
    http.get('*/api/v1/me/hatena-apps', () => HttpResponse.json(apps)),
    http.get('*/api/v1/me/mutes', () => HttpResponse.json({ users: [], words: [], sites: [] })),
    http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })),
  ];
}

describe('Hatena-compatible apps', () => {
  it('creates an app and shows its four credentials once', async () => {
    let body: unknown = null;
    const apps = { items: [] as unknown[] };
    server.use(
      ...handlers(apps),
      http.post('*/api/v1/me/hatena-apps', async ({ request }) => {
        body = await request.json();
        apps.items = [{ ...listed, id: 8, name: 'hatebu client', scope: 'write', consumer_key: 'ck_new' }];
        return HttpResponse.json(
          {
            id: 8,
            name: 'hatebu client',
            scope: 'write',
            consumer_key: 'ck_new',
            consumer_secret: 'cs_secret',
            access_token: 'at_new',
            access_token_secret: 'ats_secret',
            created_at: '2026-12-08T00:00:00Z',
          },
          { status: 201 },
        );
      }),
    );
    renderApp('/settings');
    const section = await screen.findByRole('region', { name: 'Hatena-compatible apps' });
    expect(await within(section).findByText('No apps yet.')).toBeInTheDocument();
    await userEvent.type(within(section).getByLabelText('App name'), 'hatebu client');
    await userEvent.click(within(section).getByRole('button', { name: 'Create app' }));
    expect(await within(section).findByTestId('hatena-consumer_key')).toHaveTextContent('ck_new');
    expect(within(section).getByTestId('hatena-consumer_secret')).toHaveTextContent('cs_secret');
    expect(within(section).getByTestId('hatena-access_token')).toHaveTextContent('at_new');
    expect(within(section).getByTestId('hatena-access_token_secret')).toHaveTextContent('ats_secret');
    expect(within(section).getByRole('button', { name: 'Copy Consumer secret' })).toBeInTheDocument();
    expect(body).toEqual({ name: 'hatebu client', scope: 'write' });
    expect(await within(section).findByText('hatebu client')).toBeInTheDocument();
  });

  it('lists apps without secrets and revokes one', async () => {
    let revoked: string | null = null;
    const apps = { items: [listed] as unknown[] };
    server.use(
      ...handlers(apps),
      http.delete('*/api/v1/me/hatena-apps/:id', ({ params }) => {
        revoked = String(params.id);
        apps.items = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    renderApp('/settings');
    const section = await screen.findByRole('region', { name: 'Hatena-compatible apps' });
    expect(await within(section).findByText('old add-on')).toBeInTheDocument();
    expect(within(section).getByText('ck_listed')).toBeInTheDocument();
    await userEvent.click(within(section).getByRole('button', { name: 'Revoke app old add-on' }));
    await waitFor(() => expect(revoked).toBe('7'));
    expect(await within(section).findByText('No apps yet.')).toBeInTheDocument();
  });

  it('speaks Japanese', async () => {
    server.use(...handlers({ items: [] }));
    renderApp('/settings', { locale: 'ja' });
    expect(await screen.findByRole('region', { name: 'はてな互換アプリ' })).toBeInTheDocument();
  });
});
