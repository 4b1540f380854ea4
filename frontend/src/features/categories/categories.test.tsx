import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { entry, problem, signedIn } from '@/test/fixtures';

const it_ = { slug: 'it', name_ja: 'テクノロジー', name_en: 'Technology', source: 'auto' } as const;

/** Answers the hot and new lists, remembering the `category` each was asked for. */
function lists() {
  const asked: (string | null)[] = [];
  server.use(
    http.get('*/api/v1/entries/:list', ({ params, request }) => {
      if (params.list !== 'hot' && params.list !== 'new') return undefined;
      asked.push(new URL(request.url).searchParams.get('category'));
      return HttpResponse.json({ items: [entry({ id: 1, title: 'Rust news', category: it_ })], next_cursor: null });
    }),
  );
  return asked;
}

describe('category tabs', () => {
  it('lists one category of the hot entries at /hot/{slug}', async () => {
    const asked = lists();
    renderApp('/hot/it');
    // The first render of a test file loads the app's modules: slow on a busy machine.
    expect(await screen.findByRole('link', { name: 'Rust news' }, { timeout: 5000 })).toBeInTheDocument();
    expect(asked).toEqual(['it']);
    const tabs = screen.getByRole('navigation', { name: 'Categories' });
    expect(within(tabs).getByRole('link', { name: 'Technology' })).toHaveAttribute('aria-current', 'page');
    expect(within(tabs).getByRole('link', { name: 'All' })).toHaveAttribute('href', '/hot');
    expect(within(tabs).getByRole('link', { name: 'Anime & Games' })).toHaveAttribute('href', '/hot/game');
    expect(within(tabs).getAllByRole('link')).toHaveLength(9);
    const feed = document.head.querySelector('link[rel="alternate"][type="application/rss+xml"]');
    expect(feed).toHaveAttribute('href', '/hot/it.rss');
  });

  it('keeps every category at /hot and /new, and links the new list’s tabs to /new/{slug}', async () => {
    const asked = lists();
    renderApp('/new');
    await screen.findByRole('link', { name: 'Rust news' });
    expect(asked).toEqual([null]);
    const tabs = screen.getByRole('navigation', { name: 'Categories' });
    expect(within(tabs).getByRole('link', { name: 'All' })).toHaveAttribute('aria-current', 'page');
    expect(within(tabs).getByRole('link', { name: 'Life' })).toHaveAttribute('href', '/new/life');
    await userEvent.click(within(tabs).getByRole('link', { name: 'Life' }));
    await waitFor(() => expect(asked).toEqual([null, 'life']));
  });

  it('says so for an unknown category without asking the server', async () => {
    const asked = lists();
    renderApp('/hot/bogus');
    expect(await screen.findByText('There is no such category.')).toBeInTheDocument();
    expect(asked).toEqual([]);
  });

  it('names the categories in Japanese', async () => {
    lists();
    renderApp('/hot/it', { locale: 'ja' });
    const tabs = await screen.findByRole('navigation', { name: 'カテゴリー' });
    expect(within(tabs).getByRole('link', { name: '総合' })).toHaveAttribute('href', '/hot');
    expect(within(tabs).getByRole('link', { name: 'テクノロジー' })).toHaveAttribute('aria-current', 'page');
    expect(within(tabs).getByRole('link', { name: 'アニメとゲーム' })).toBeInTheDocument();
  });

  it('shows each card’s category, linking to its hot entries', async () => {
    lists();
    renderApp('/');
    const card = (await screen.findByRole('link', { name: 'Rust news' })).closest('article') as HTMLElement;
    expect(within(card).getByRole('link', { name: 'Technology' })).toHaveAttribute('href', '/hot/it');
  });
});

describe('suggesting a category', () => {
  function entryPage(id: number, suggest: Parameters<typeof http.post>[1]) {
    server.use(
      http.get(`*/api/v1/entries/${id}`, () => HttpResponse.json(entry({ id, title: `Entry ${id}`, category: it_ }))),
      http.get('*/api/v1/me/bookmark', () => problem(404, 'Not found')),
      http.get('*/api/v1/users/alice/tags', () => HttpResponse.json({ items: [] })),
      http.get(`*/api/v1/entries/${id}/comments`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get(`*/api/v1/entries/${id}/bookmarks`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.post(`*/api/v1/entries/${id}/category`, suggest),
    );
  }

  it('sends the chosen category and shows how many agree', async () => {
    const bodies: unknown[] = [];
    server.use(signedIn());
    entryPage(5, async ({ request }) => {
      bodies.push(await request.json());
      return HttpResponse.json({ suggested: 'game', agreeing: 2, moved: false, category: it_ });
    });
    renderApp('/entry/5');
    expect(await screen.findByRole('heading', { name: 'Entry 5' })).toBeInTheDocument();
    const hero = screen.getByRole('heading', { name: 'Entry 5' }).closest('article') as HTMLElement;
    expect(within(hero).getByRole('link', { name: 'Technology' })).toHaveAttribute('href', '/hot/it');
    const select = await screen.findByRole('combobox', { name: 'Suggest a category' });
    const button = screen.getByRole('button', { name: 'Suggest' });
    expect(button).toBeDisabled();
    await userEvent.selectOptions(select, 'game');
    await userEvent.click(button);
    const form = screen.getByRole('form', { name: 'Suggest a category' });
    expect(await within(form).findByRole('status')).toHaveTextContent('Suggestions for Anime & Games: 2');
    expect(bodies).toEqual([{ slug: 'game' }]);
  });

  it('says when the entry moved', async () => {
    server.use(signedIn());
    entryPage(6, () =>
      HttpResponse.json({ suggested: 'fun', agreeing: 3, moved: true, category: { ...it_, slug: 'fun', source: 'user' } }),
    );
    renderApp('/entry/6');
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Suggest a category' }), 'fun');
    await userEvent.click(screen.getByRole('button', { name: 'Suggest' }));
    const form = screen.getByRole('form', { name: 'Suggest a category' });
    expect(await within(form).findByRole('status')).toHaveTextContent('The entry moved to Fun.');
  });

  it('explains the daily limit', async () => {
    server.use(signedIn());
    entryPage(7, () => problem(429, 'Too many requests'));
    renderApp('/entry/7');
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Suggest a category' }), 'life');
    await userEvent.click(screen.getByRole('button', { name: 'Suggest' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You have made 30 suggestions today');
  });

  it('is offered to signed-in users only', async () => {
    entryPage(8, () => HttpResponse.json({}));
    renderApp('/entry/8');
    expect(await screen.findByRole('heading', { name: 'Entry 8' })).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Suggest a category' })).toBeNull();
  });
});
