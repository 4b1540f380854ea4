// The server's bookmark button script (served at /button.js), run on a page
// of another site as a blog would embed it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { server } from '@/test/server';

// Tests run from the frontend folder.
const script = readFileSync(join(process.cwd(), '..', 'crates', 'api', 'src', 'routes', 'hatena', 'button.js'), 'utf8');

describe('button.js', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows every button its count from one call and links it to the entry page', async () => {
    const asked: URL[] = [];
    server.use(
      http.get('https://bukuma.example/count/entries', ({ request }) => {
        const url = new URL(request.url);
        asked.push(url);
        expect(request.credentials).toBe('omit');
        return HttpResponse.json({ 'https://blog.example/a': 12, 'http://localhost:3000/': 0 });
      }),
    );
    document.body.innerHTML = `
      <a class="bukuma-button" href="#" data-url="https://blog.example/a">bukuma</a>
      <a class="bukuma-button" href="#" data-url="https://blog.example/a">again</a>
      <a class="bukuma-button" href="#">this page</a>
      <a class="bukuma-button" href="#" data-url="javascript:alert(1)">bad</a>
      <script src="https://bukuma.example/button.js"></script>`;
    new Function(script)();

    const [first, second, here, bad] = Array.from(document.querySelectorAll<HTMLAnchorElement>('a.bukuma-button'));
    await waitFor(() => expect(first?.querySelector('.bukuma-button-count')?.textContent).toBe('12'));
    expect(second?.querySelector('.bukuma-button-count')?.textContent).toBe('12');
    await waitFor(() => expect(here?.querySelector('.bukuma-button-count')?.textContent).toBe('0'));
    expect(asked).toHaveLength(1);
    expect(asked[0]?.searchParams.getAll('url')).toEqual(['https://blog.example/a', 'http://localhost:3000/']);
    expect(first?.href).toBe('https://bukuma.example/entry?url=https%3A%2F%2Fblog.example%2Fa');
    expect(bad?.querySelector('.bukuma-button-count')).toBeNull();
    expect(bad?.getAttribute('href')).toBe('#');
  });
});
