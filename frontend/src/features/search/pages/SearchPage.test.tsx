import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { bookmark, entry, problem, signedIn } from '@/test/fixtures';
import type { BookmarkHit, EntryHit, SearchPage } from '@/lib/api/types';

function page(over: Partial<SearchPage> = {}): SearchPage {
  return { entries: [], bookmarks: [], next_cursor: null, ...over };
}

function entryHit(over: Partial<EntryHit['entry']> = {}, highlights: Partial<EntryHit['highlights']> = {}): EntryHit {
  return { entry: entry(over), highlights: { title: [], summary: [], ...highlights } };
}

/** Answers every search with `body` and remembers the query strings asked. */
function searchApi(body: SearchPage | ((params: URLSearchParams) => SearchPage)) {
  const asked: URLSearchParams[] = [];
  const handler = http.get('*/api/v1/search', ({ request }) => {
    const params = new URL(request.url).searchParams;
    asked.push(params);
    return HttpResponse.json(typeof body === 'function' ? body(params) : body);
  });
  return { handler, asked };
}

/** The app's current URL (rendered with `probe: true`). */
function current(): URL {
  return new URL(screen.getByTestId('location').textContent ?? '', 'http://app');
}

function hot() {
  return http.get('*/api/v1/entries/hot', () => HttpResponse.json({ items: [], next_cursor: null }));
}

describe('search page: the URL is the state', () => {
  it('reads every filter from the URL, shows it in the controls and sends it to the API', async () => {
    const api = searchApi(page({ entries: [entryHit({ title: 'Monitoring at scale' })] }));
    server.use(api.handler);
    renderApp(
      '/search?q=%E7%9B%A3%E8%A6%96&target=title&sort=recent&users=3&date_begin=2025-01-01&date_end=2025-12-31&site=example.com&user=bob',
    );
    expect(await screen.findByRole('link', { name: 'Monitoring at scale' })).toBeInTheDocument();
    const sent = api.asked[0]!;
    expect(Object.fromEntries(sent)).toEqual({
      q: '監視',
      scope: 'all',
      target: 'title',
      sort: 'recent',
      users: '3',
      date_begin: '2025-01-01',
      date_end: '2025-12-31',
      site: 'example.com',
      user: 'bob',
      limit: '20',
    });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Search results for “監視”');
    expect(screen.getByLabelText('Search in')).toHaveValue('title');
    expect(screen.getByLabelText('Sort by')).toHaveValue('recent');
    expect(screen.getByLabelText('Min. users')).toHaveValue(3);
    expect(screen.getByLabelText('From')).toHaveValue('2025-01-01');
    expect(screen.getByLabelText('To')).toHaveValue('2025-12-31');
    expect(screen.getByLabelText('Site')).toHaveValue('example.com');
    expect(screen.getByText('Bookmarked by bob')).toBeInTheDocument();
    // the header box shows the words being searched
    expect(screen.getByRole('searchbox', { name: 'Search entries and bookmarks' })).toHaveValue('監視');
  });

  it('ignores invalid values in the URL instead of failing', async () => {
    const api = searchApi(page());
    server.use(api.handler);
    renderApp('/search?q=rust&scope=everyone&target=body&sort=best&users=-2&date_begin=2025-02-30&site=');
    await screen.findByText('No entries match “rust”.');
    expect(Object.fromEntries(api.asked[0]!)).toEqual({
      q: 'rust',
      scope: 'all',
      target: 'all',
      sort: 'relevance',
      limit: '20',
    });
  });

  it('puts a changed filter into the URL, and a new search keeps the filters', async () => {
    const api = searchApi(page({ entries: [entryHit({ title: 'Found it' })] }));
    server.use(api.handler);
    renderApp('/search?q=rust', { probe: true });
    await screen.findByRole('link', { name: 'Found it' });

    await userEvent.selectOptions(screen.getByLabelText('Sort by'), 'recent');
    await waitFor(() => expect(current().searchParams.get('sort')).toBe('recent'));
    await waitFor(() => expect(api.asked.at(-1)?.get('sort')).toBe('recent'));

    await userEvent.type(screen.getByLabelText('Site'), 'blog.example.com{Enter}');
    await waitFor(() => expect(current().searchParams.get('site')).toBe('blog.example.com'));
    expect(current().searchParams.get('q')).toBe('rust');

    await userEvent.type(screen.getByLabelText('Min. users'), '5');
    await userEvent.tab();
    await waitFor(() => expect(current().searchParams.get('users')).toBe('5'));
    await waitFor(() => expect(api.asked.at(-1)?.get('users')).toBe('5'));

    const box = screen.getByRole('searchbox', { name: 'Search entries and bookmarks' });
    await userEvent.clear(box);
    await userEvent.type(box, 'go{Enter}');
    await waitFor(() => expect(current().searchParams.get('q')).toBe('go'));
    expect(Object.fromEntries(current().searchParams)).toEqual({
      q: 'go',
      sort: 'recent',
      users: '5',
      site: 'blog.example.com',
    });

    await userEvent.click(screen.getByRole('link', { name: 'Clear filters' }));
    await waitFor(() => expect(current().search).toBe('?q=go'));
    expect(screen.getByLabelText('Site')).toHaveValue('');
  });

  it('shows tips and asks nothing while there is nothing to search for', async () => {
    renderApp('/search');
    expect(await screen.findByRole('heading', { name: 'Search tips' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Search');
    // no handler for /api/v1/search: a request would fail the test
  });
});

describe('search page: highlights', () => {
  it('marks the matched characters, counting code points, and renders HTML as text', async () => {
    const title = '🍣死活監視基盤の<b>設計</b>';
    server.use(
      searchApi(
        page({
          entries: [
            entryHit(
              { title, summary: '𠮷野家の監視ダッシュボード' },
              {
                title: [
                  { start: 3, end: 5 },
                  { start: 11, end: 13 },
                ],
                summary: [{ start: 4, end: 6 }],
              },
            ),
          ],
        }),
      ).handler,
    );
    renderApp('/search?q=%E7%9B%A3%E8%A6%96');
    const link = await screen.findByRole('link', { name: title });
    const marks = link.querySelectorAll('mark');
    expect(Array.from(marks, (m) => m.textContent)).toEqual(['監視', '設計']);
    expect(link.querySelector('b')).toBeNull();
    const card = link.closest('article') as HTMLElement;
    const summaryMark = card.querySelector('.entry-card__summary mark');
    expect(summaryMark).toHaveTextContent(/^監視$/);
  });

  it('shows the part of a long summary where it matched', async () => {
    const summary = `${'前置き。'.repeat(60)}ここで監視の話。${'後書き。'.repeat(60)}`;
    const start = Array.from(summary).indexOf('監');
    server.use(
      searchApi(
        page({ entries: [entryHit({ title: 'Long one', summary }, { summary: [{ start, end: start + 2 }] })] }),
      ).handler,
    );
    renderApp('/search?q=%E7%9B%A3%E8%A6%96');
    const card = (await screen.findByRole('link', { name: 'Long one' })).closest('article') as HTMLElement;
    const p = card.querySelector('.entry-card__summary') as HTMLElement;
    expect(p.querySelector('mark')).toHaveTextContent('監視');
    expect(p.textContent?.startsWith('…')).toBe(true);
    expect(p.textContent?.endsWith('…')).toBe(true);
  });
});

describe('search page: everyone and mine', () => {
  it('asks signed-out people to log in for their own bookmarks, without asking the API', async () => {
    renderApp('/search?q=%E7%9B%A3%E8%A6%96&scope=mine');
    expect(await screen.findByText('Log in to search your own bookmarks, private ones included.')).toBeInTheDocument();
    const results = screen.getByRole('region', { name: 'Search results' });
    expect(within(results).getByRole('link', { name: 'Log in' })).toHaveAttribute(
      'href',
      `/login?next=${encodeURIComponent('/search?q=%E7%9B%A3%E8%A6%96&scope=mine')}`,
    );
    expect(screen.getByRole('link', { name: 'My bookmarks' })).toHaveAttribute('aria-current', 'page');
    expect(screen.queryByRole('link', { name: 'RSS feed of this search' })).toBeNull();
  });

  it('switches between everyone and mine with the tabs, keeping the words', async () => {
    const mine: BookmarkHit = {
      bookmark: bookmark({
        private: true,
        comment: '死活監視の参考に',
        note: '来週の設計レビューで監視の話をする',
        entry: { ...bookmark().entry, title: '死活監視基盤の設計' },
      }),
      highlights: {
        title: [{ start: 2, end: 4 }],
        summary: [],
        comment: [{ start: 2, end: 4 }],
        note: [{ start: 10, end: 12 }],
      },
    };
    const api = searchApi((params) =>
      params.get('scope') === 'mine'
        ? page({ bookmarks: [mine] })
        : page({ entries: [entryHit({ title: 'Public monitoring' })] }),
    );
    server.use(signedIn(), api.handler);
    renderApp('/search?q=%E7%9B%A3%E8%A6%96&sort=popular', { probe: true });
    await screen.findByRole('link', { name: 'Public monitoring' });
    expect(screen.getByRole('link', { name: 'Everyone' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'RSS feed of this search' })).toHaveAttribute(
      'href',
      '/search.rss?q=%E7%9B%A3%E8%A6%96&sort=popular',
    );

    await userEvent.click(screen.getByRole('link', { name: 'My bookmarks' }));
    const title = await screen.findByRole('link', { name: '死活監視基盤の設計' });
    expect(current().searchParams.get('scope')).toBe('mine');
    expect(current().searchParams.get('q')).toBe('監視');
    expect(api.asked.at(-1)?.get('scope')).toBe('mine');
    const row = title.closest('article') as HTMLElement;
    expect(within(row).getByText('Private')).toBeInTheDocument();
    expect(Array.from(row.querySelectorAll('mark'), (m) => m.textContent)).toEqual(['監視', '監視', '監視']);
    expect(within(row).getByText('Note')).toBeInTheDocument();
    // no user counts in my own bookmarks: "popular" is shown as relevance, and no feed
    expect(screen.getByLabelText('Sort by')).toHaveValue('relevance');
    expect(screen.queryByLabelText('Min. users')).toBeNull();
    expect(screen.queryByRole('link', { name: 'RSS feed of this search' })).toBeNull();
  });

  it('shows the sign-in hint when the session has expired (401)', async () => {
    server.use(
      signedIn(),
      http.get('*/api/v1/search', () => problem(401, 'Authentication required')),
    );
    renderApp('/search?q=rust&scope=mine');
    expect(await screen.findByText('Log in to search your own bookmarks, private ones included.')).toBeInTheDocument();
  });
});

describe('search page: states', () => {
  it('says when nothing matched', async () => {
    server.use(searchApi(page()).handler, signedIn());
    renderApp('/search?q=%E7%9B%A3%E8%A6%96&scope=mine', { locale: 'ja' });
    expect(await screen.findByText('「監視」に一致するブックマークはありません。')).toBeInTheDocument();
  });

  it('shows a problem’s field errors beside the filter that caused them', async () => {
    server.use(
      http.get('*/api/v1/search', () =>
        problem(400, 'Invalid request', [{ field: 'site', message: 'not a host name' }]),
      ),
    );
    renderApp('/search?q=rust&site=bad_host');
    expect(await screen.findByRole('alert')).toHaveTextContent('This search could not be run. Check the filters.');
    const site = screen.getByLabelText('Site');
    expect(site).toHaveAttribute('aria-invalid', 'true');
    expect(site).toHaveAccessibleDescription('not a host name');
  });

  it('shows other errors with a retry', async () => {
    server.use(http.get('*/api/v1/search', () => problem(503, 'search is not enabled on this server')));
    renderApp('/search?q=rust');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('search is not enabled on this server');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('links the next page with every filter and the cursor', async () => {
    server.use(searchApi(page({ entries: [entryHit({ title: 'One' })], next_cursor: 'abc' })).handler);
    renderApp('/search?q=rust&target=tag');
    const next = await screen.findByRole('link', { name: /Next page/ });
    expect(next).toHaveAttribute('href', '/search?q=rust&target=tag&cursor=abc');
  });

  it('moves through the results with j and k', async () => {
    server.use(
      searchApi(page({ entries: [entryHit({ title: 'First' }), entryHit({ title: 'Second' })] })).handler,
    );
    const { container } = renderApp('/search?q=rust');
    await screen.findByRole('link', { name: 'First' });
    await userEvent.keyboard('jj');
    expect(container.querySelector('[data-shortcut-index="1"]')).toHaveClass('is-selected');
    await userEvent.keyboard('k');
    expect(container.querySelector('[data-shortcut-index="0"]')).toHaveClass('is-selected');
  });
});

describe('the header search box', () => {
  it('is focused by / and left with Escape', async () => {
    server.use(hot());
    renderApp('/');
    await screen.findByRole('heading', { name: 'Hot entries' });
    const box = screen.getByRole('searchbox', { name: 'Search entries and bookmarks' });
    await userEvent.keyboard('/');
    expect(box).toHaveFocus();
    expect(box).toHaveValue('');
    await userEvent.keyboard('{Escape}');
    expect(box).not.toHaveFocus();
  });

  it('searches from any page, then hands the keys back to the results', async () => {
    const api = searchApi(page({ entries: [entryHit({ title: 'Found' })] }));
    server.use(hot(), api.handler);
    const { container } = renderApp('/', { probe: true });
    await screen.findByRole('heading', { name: 'Hot entries' });
    await userEvent.keyboard('/');
    await userEvent.keyboard('監視{Enter}');
    await waitFor(() => expect(current().pathname).toBe('/search'));
    expect(current().search).toBe(`?q=${encodeURIComponent('監視')}`);
    await screen.findByRole('link', { name: 'Found' });
    await userEvent.keyboard('j');
    expect(container.querySelector('[data-shortcut-index="0"]')).toHaveClass('is-selected');
  });

  it('keeps my scope when I search again', async () => {
    server.use(signedIn(), searchApi(page()).handler);
    renderApp('/search?q=a&scope=mine', { probe: true });
    await screen.findByText('None of your bookmarks match “a”.');
    const box = screen.getByRole('searchbox', { name: 'Search entries and bookmarks' });
    await userEvent.clear(box);
    await userEvent.type(box, 'b{Enter}');
    await waitFor(() => expect(current().search).toBe('?q=b&scope=mine'));
  });

  it('does not take / while I type elsewhere', async () => {
    server.use(hot());
    renderApp('/login');
    const username = await screen.findByLabelText('Username');
    await userEvent.type(username, 'a/b');
    expect(username).toHaveValue('a/b');
    expect(username).toHaveFocus();
  });
});
