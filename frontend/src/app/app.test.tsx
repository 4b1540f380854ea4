import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';

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
