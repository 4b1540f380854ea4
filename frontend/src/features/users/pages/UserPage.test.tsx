import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { bookmark, problem, signedIn } from '@/test/fixtures';

describe('user page', () => {
  it('filters by site through the URL and shows the count in the heading', async () => {
    let query = '';
    server.use(
      http.get('*/api/v1/users/alice', () =>
        HttpResponse.json({ username: 'alice', display_name: 'Alice', bio: '', created_at: '2024-01-01T00:00:00Z', bookmark_count: 30, following_count: 0, follower_count: 0 }),
      ),
      http.get('*/api/v1/users/alice/bookmarks', ({ request }) => {
        query = new URL(request.url).search;
        return HttpResponse.json({ items: [bookmark({ comment: 'my note' })], next_cursor: null });
      }),
      http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [{ tag: 'rust', count: 4 }] })),
      http.get('*/api/v1/users/alice/sites', () =>
        HttpResponse.json({ items: [{ domain: 'blog.example.com', count: 12 }] }),
      ),
    );
    renderApp('/alice?site=blog.example.com');
    expect(await screen.findByText('my note')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('filter-heading')).toHaveTextContent('Bookmarks / blog.example.com (12)'));
    expect(query).toContain('site=blog.example.com');
    const tagLink = screen.getByRole('link', { name: /^rust\(4\)/ });
    expect(tagLink).toHaveAttribute('href', '/alice?tag=rust&site=blog.example.com');
  });

  it('answers 404 for an unknown user', async () => {
    server.use(
      http.get('*/api/v1/users/nobody', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/nobody/bookmarks', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/nobody/tags', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/nobody/sites', () => problem(404, 'Not found')),
    );
    renderApp('/nobody');
    expect(await screen.findByText('No such user.')).toBeInTheDocument();
  });
});

describe('private bookmarks', () => {
  it('are marked for their owner', async () => {
    server.use(
      signedIn(),
      http.get('*/api/v1/users/alice', () =>
        HttpResponse.json({ username: 'alice', display_name: 'Alice', bio: '', created_at: '2024-01-01T00:00:00Z', bookmark_count: 1, following_count: 0, follower_count: 0 }),
      ),
      http.get('*/api/v1/users/alice/bookmarks', () =>
        HttpResponse.json({ items: [bookmark({ private: true, comment: 'secret note' })], next_cursor: null }),
      ),
      http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })),
      http.get('*/api/v1/users/alice/sites', () => HttpResponse.json({ items: [] })),
    );
    renderApp('/alice');
    const item = (await screen.findByText('secret note')).closest('article') as HTMLElement;
    expect(within(item).getByText('Private')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Read later' })).toHaveAttribute('href', '/alice?read_later=true');
  });
});
