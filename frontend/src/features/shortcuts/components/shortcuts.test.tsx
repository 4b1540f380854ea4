import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { bookmark, entry, problem, signedIn } from '@/test/fixtures';

function hot() {
  return http.get('*/api/v1/entries/hot', () =>
    HttpResponse.json({
      items: [entry({ id: 1, title: 'First' }), entry({ id: 2, title: 'Second' }), entry({ id: 3, title: 'Third' })],
      next_cursor: null,
    }),
  );
}

describe('keyboard shortcuts', () => {
  it('j and k move a visible selection', async () => {
    server.use(hot());
    const { container } = renderApp('/');
    await screen.findByText('First');
    await userEvent.keyboard('j');
    expect(container.querySelector('[data-shortcut-index="0"]')).toHaveClass('is-selected');
    await userEvent.keyboard('jj');
    expect(container.querySelector('[data-shortcut-index="2"]')).toHaveClass('is-selected');
    await userEvent.keyboard('k');
    expect(container.querySelector('[data-shortcut-index="1"]')).toHaveClass('is-selected');
  });

  it('e opens the comments of the selected entry', async () => {
    server.use(
      hot(),
      http.get('*/api/v1/entries/2', () => HttpResponse.json(entry({ id: 2, title: 'Second' }))),
      http.get('*/api/v1/entries/2/comments', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get('*/api/v1/entries/2/bookmarks', () => HttpResponse.json({ items: [], next_cursor: null })),
    );
    renderApp('/');
    await screen.findByText('First');
    await userEvent.keyboard('jje');
    expect(await screen.findByRole('heading', { level: 1, name: 'Second' })).toBeInTheDocument();
  });

  it('o opens the page in a new tab', async () => {
    server.use(hot());
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    renderApp('/');
    await screen.findByText('First');
    await userEvent.keyboard('jo');
    expect(open).toHaveBeenCalledWith('https://blog.example.com/post/1', '_blank', 'noopener,noreferrer');
  });

  it('l creates a read-later bookmark when I have none', async () => {
    let body: unknown = null;
    server.use(
      signedIn(),
      hot(),
      http.get('*/api/v1/me/bookmark', () => problem(404, 'Not found')),
      http.post('*/api/v1/bookmarks', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(bookmark({ read_later: true }), { status: 201 });
      }),
    );
    renderApp('/');
    await screen.findByText('First');
    await userEvent.keyboard('jl');
    expect(await screen.findByText('Added to read later.')).toBeInTheDocument();
    expect(body).toEqual({ url: 'https://blog.example.com/post/1', read_later: true, title: 'First' });
  });

  it('never fires while typing in a field', async () => {
    server.use(signedIn(), hot(), http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })));
    const { container } = renderApp('/');
    await screen.findByText('First');
    await userEvent.keyboard('?');
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await userEvent.keyboard('b');
    const url = await screen.findByLabelText('URL');
    await userEvent.type(url, 'jjk');
    expect(url).toHaveValue('jjk');
    expect(container.querySelector('.is-selected')).toBeNull();
  });
});

describe('language', () => {
  it('switches and is remembered', async () => {
    server.use(hot());
    localStorage.setItem('bukuma.locale', 'en');
    const first = renderApp('/', { locale: undefined as never });
    await screen.findByText('First');
    await userEvent.selectOptions(screen.getByLabelText('Language'), 'ja');
    expect(await screen.findByRole('heading', { name: '人気エントリー' })).toBeInTheDocument();
    expect(localStorage.getItem('bukuma.locale')).toBe('ja');
    expect(document.documentElement.lang).toBe('ja');
    first.unmount();
  });
});

describe('selection', () => {
  it('survives a refetch of the same list', async () => {
    server.use(
      signedIn(),
      hot(),
      http.get('*/api/v1/me/bookmark', () => HttpResponse.json(bookmark({ read_later: false }))),
      http.patch('*/api/v1/bookmarks/:id', () => HttpResponse.json(bookmark({ read_later: true }))),
    );
    const { container } = renderApp('/');
    await screen.findByText('First');
    await userEvent.keyboard('jj');
    await userEvent.keyboard('l');
    expect(await screen.findByText('Added to read later.')).toBeInTheDocument();
    await waitFor(() => expect(container.querySelector('[data-shortcut-index="1"]')).toHaveClass('is-selected'));
  });
});

describe('entry page shortcuts', () => {
  it('b bookmarks the page being shown', async () => {
    const e = entry({ id: 9, title: 'Nine', url: 'https://nine.example/' });
    server.use(
      signedIn(),
      http.get('*/api/v1/entries/9', () => HttpResponse.json(e)),
      http.get('*/api/v1/entries/9/comments', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get('*/api/v1/entries/9/bookmarks', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get('*/api/v1/me/bookmark', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })),
    );
    renderApp('/entry/9');
    await screen.findByRole('heading', { level: 1, name: 'Nine' });
    await userEvent.keyboard('b');
    expect(await screen.findByLabelText('URL')).toHaveValue('https://nine.example/');
  });
});
