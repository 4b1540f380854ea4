import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';
import { renderApp } from '@/test/render';
import { entry } from '@/test/fixtures';
import type { EntryListItem } from '@/lib/api/types';

/** Generous: the entry page renders several sections before this one. */
const slow = { timeout: 5000 };

/** The entry page of entry `id`, without comments, whose related entries are `related`. */
function entryPage(id: number, related: EntryListItem[], asked: number[] = []) {
  return [
    http.get(`*/api/v1/entries/${id}`, () => HttpResponse.json(entry({ id, title: 'The entry' }))),
    http.get(`*/api/v1/entries/${id}/comments`, () => HttpResponse.json({ items: [], next_cursor: null })),
    http.get(`*/api/v1/entries/${id}/bookmarks`, () => HttpResponse.json({ items: [], next_cursor: null })),
    http.get(`*/api/v1/entries/${id}/related`, () => {
      asked.push(id);
      return HttpResponse.json({ items: related });
    }),
  ];
}

const also = entry({
  id: 6,
  title: 'Also bookmarked',
  url: 'https://other.example/6',
  domain: 'other.example',
  bookmark_count: 4,
  tags: ['rust'],
});

describe('related entries', () => {
  it('shows related entries as entry cards under everyone who bookmarked', async () => {
    server.use(...entryPage(5, [also]));
    renderApp('/entry/5');
    const section = await screen.findByRole('region', { name: 'Related entries' }, slow);
    expect(within(section).getByRole('link', { name: 'Also bookmarked' })).toHaveAttribute(
      'href',
      'https://other.example/6',
    );
    expect(within(section).getByRole('link', { name: '4 users' })).toHaveAttribute('href', '/entry/6');
    expect(within(section).getByRole('link', { name: 'other.example' })).toHaveAttribute('href', '/site/other.example');
    expect(within(section).getByRole('link', { name: 'rust' })).toHaveAttribute('href', '/t/rust');
    const everyone = screen.getByRole('region', { name: 'Everyone who bookmarked this' });
    expect(everyone.compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('shows no section while an entry has none', async () => {
    const asked: number[] = [];
    server.use(...entryPage(5, [], asked));
    renderApp('/entry/5');
    expect(await screen.findByRole('heading', { name: 'The entry' }, slow)).toBeInTheDocument();
    await waitFor(() => expect(asked).toEqual([5]), slow);
    await screen.findByText('No public bookmarks yet.', {}, slow);
    expect(screen.queryByRole('region', { name: 'Related entries' })).toBeNull();
  });

  it('speaks Japanese', async () => {
    server.use(...entryPage(5, [also]));
    renderApp('/entry/5', { locale: 'ja' });
    const section = await screen.findByRole('region', { name: '関連エントリー' }, slow);
    expect(within(section).getByRole('link', { name: 'Also bookmarked' })).toBeInTheDocument();
  });
});
