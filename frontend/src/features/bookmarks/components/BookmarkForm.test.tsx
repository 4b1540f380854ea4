import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { bookmark, problem, signedIn } from '@/test/fixtures';

function baseHandlers() {
  return [
    signedIn(),
    http.get('*/api/v1/users/alice/tags', () =>
      HttpResponse.json({ items: [{ tag: 'rust', count: 5 }, { tag: 'react', count: 2 }] }),
    ),
    http.get('*/api/v1/me/bookmark', () => problem(404, 'Not found')),
  ];
}

describe('bookmark form on /add', () => {
  it('counts comment characters live and suggests my tags', async () => {
    server.use(...baseHandlers());
    renderApp('/add?url=https%3A%2F%2Fexample.com%2Fa&title=Hello');
    const comment = await screen.findByLabelText('Comment');
    await userEvent.type(comment, '日本語😀');
    expect(screen.getByTestId('comment-counter')).toHaveTextContent('4/100');
    const tags = screen.getByLabelText('Tags');
    await userEvent.type(tags, 'r');
    await userEvent.click(screen.getByRole('button', { name: /rust/ }));
    expect(screen.getByRole('button', { name: 'Remove tag rust' })).toBeInTheDocument();
  });

  it('sends the bookmark and shows API field errors next to their fields', async () => {
    let sent: unknown = null;
    server.use(
      ...baseHandlers(),
      http.post('*/api/v1/bookmarks', async ({ request }) => {
        sent = await request.json();
        return problem(422, 'Invalid input', [{ field: 'tags', message: 'tag “a b” contains whitespace' }]);
      }),
    );
    renderApp('/add?url=https%3A%2F%2Fexample.com%2Fa&title=Hello');
    await userEvent.type(await screen.findByLabelText('Comment'), 'worth it');
    await userEvent.type(screen.getByLabelText('Tags'), 'news{Enter}');
    await userEvent.click(screen.getByRole('switch', { name: /Read later/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save bookmark' }));
    expect(await screen.findByText('tag “a b” contains whitespace')).toBeInTheDocument();
    expect(sent).toEqual({
      url: 'https://example.com/a',
      comment: 'worth it',
      tags: ['news'],
      private: false,
      read_later: true,
      title: 'Hello',
    });
    expect(screen.getByLabelText('Tags')).toHaveAttribute('aria-invalid', 'true');
  });

  it('prefills my existing bookmark for editing', async () => {
    const mine = bookmark({ comment: 'old note', tags: ['keep'], private: true });
    server.use(http.get('*/api/v1/me/bookmark', () => HttpResponse.json(mine)), ...baseHandlers());
    renderApp(`/add?url=${encodeURIComponent(mine.entry.url)}`);
    await waitFor(() => expect(screen.getByLabelText('Comment')).toHaveValue('old note'));
    expect(screen.getByRole('switch', { name: /Private/ })).toBeChecked();
    expect(screen.getByRole('button', { name: 'Delete bookmark' })).toBeInTheDocument();
  });

  it('sends anonymous visitors to log in first', async () => {
    renderApp('/add?url=https%3A%2F%2Fexample.com%2Fa');
    expect(await screen.findByRole('heading', { name: 'Log in to bukuma' })).toBeInTheDocument();
  });
});
