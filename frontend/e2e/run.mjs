// End-to-end tests: the real `bukuma` binary on a fresh SQLite database,
// driven through Debian's Chromium with playwright-core.
//
//   npm run build && npm run e2e
//
// Env: BUKUMA_BIN (default ../target/debug/bukuma), CHROMIUM (default /usr/bin/chromium),
//      E2E_ONLY=substring to run only matching scenarios.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(root, process.env.BUKUMA_BIN ?? '../target/debug/bukuma');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const dist = resolve(root, 'dist');
const shots = resolve(root, 'e2e/screenshots');
const only = process.env.E2E_ONLY ?? '';

/** @param {string} msg */
function fatal(msg) {
  console.error(`e2e: ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (!existsSync(bin)) fatal(`backend binary not found at ${bin} (build it, or set BUKUMA_BIN)`);
if (!existsSync(join(dist, 'index.html'))) fatal(`${dist}/index.html missing: run \`npm run build\` first`);
if (!existsSync(chromiumPath) && chromiumPath === '/usr/bin/chromium') installChromium();
if (!existsSync(chromiumPath)) fatal(`${chromiumPath} missing: apt-get install -y chromium`);

/** Installs Debian's Chromium (and CJK fonts for the Japanese UI) when we may. */
function installChromium() {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return;
  console.log('e2e: /usr/bin/chromium is missing; installing it with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) return;
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], {
    stdio: 'inherit',
    env,
  });
}
mkdirSync(shots, { recursive: true });
for (const f of readdirSync(shots)) if (f.startsWith('FAIL-')) rmSync(join(shots, f));

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

// ---------------------------------------------------------------- server
const tmp = mkdtempSync(join(tmpdir(), 'bukuma-e2e-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const logPath = join(tmp, 'server.log');
const log = createWriteStream(logPath);
const serverEnv = {
  ...process.env,
  DATABASE_URL: `sqlite://${join(tmp, 'e2e.sqlite3')}`,
  BUKUMA_BIND: `127.0.0.1:${port}`,
  BUKUMA_STATIC_DIR: dist,
  BUKUMA_DATA_DIR: tmp,
  RUST_LOG: process.env.RUST_LOG ?? 'info',
  // recompute hot scores quickly so the hot page fills during the run
  BUKUMA_HOT_INTERVAL_SECS: '1',
  BUKUMA_FETCH_METADATA: 'false',
  // the hot page must show new entries at once, not a cached page
  BUKUMA_HOT_CACHE_MS: '0',
  // every browser signs up and in from 127.0.0.1: no per-address limits
  BUKUMA_REGISTER_INTERVAL_SECS: '0',
  BUKUMA_LOGIN_ADDRESS_FREE_FAILURES: '1000',
};
const server = spawn(bin, ['serve'], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
server.stdout.pipe(log);
server.stderr.pipe(log);
let serverExited = false;
server.on('exit', () => {
  serverExited = true;
});

function serverLogTail() {
  try {
    return readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '';
  }
}

/**
 * Runs the `bukuma` command line against the e2e database, as an operator
 * would beside the running server.
 * @param {string[]} args
 * @param {string} [input] standard input (the password of `user create`)
 */
function cli(args, input = '') {
  const r = spawnSync(bin, args, { env: serverEnv, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bukuma ${args.join(' ')} → ${r.status}: ${r.stderr}`);
  return r.stderr;
}

async function stopServer() {
  if (serverExited) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitForHealth() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (serverExited) throw new Error(`server exited early:\n${serverLogTail()}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy in 60 s:\n${serverLogTail()}`);
}

// ---------------------------------------------------------------- API seeding
/**
 * @param {string} path
 * @param {{ method?: string, body?: unknown, token?: string }} [opts]
 */
async function api(path, { method = 'GET', body, token } = {}) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(`${method} ${path} → ${r.status}: ${text}`);
  return data;
}

/** @param {string} username */
async function registerUser(username, password = 'correct horse battery') {
  const data = await api('/api/v1/auth/register', {
    method: 'POST',
    body: { username, password, display_name: username[0].toUpperCase() + username.slice(1) },
  });
  return /** @type {string} */ (data.access_token);
}

/**
 * @param {string} token
 * @param {{ url: string, title?: string, comment?: string, tags?: string[] }} bm
 */
function bookmark(token, bm) {
  return api('/api/v1/bookmarks', { method: 'POST', token, body: bm });
}

// Reserved `.example` hosts: never resolvable, so the server's metadata
// fetcher sends no traffic anywhere.
const SEED = [
  {
    url: 'https://blog.rust.example/2025/async-closures',
    title: 'Async closures are stable: what changes for your code',
    tags: ['rust', 'async'],
    comments: ['Finally! This removes so much boilerplate.', 'Good overview of the edge cases.', ''],
  },
  {
    url: 'https://news.example/tech/sqlite-in-production',
    title: 'Running SQLite in production: lessons from five years',
    tags: ['sqlite', 'database'],
    comments: ['WAL mode plus a busy timeout is the whole trick.', 'Bookmarking for later.', 'Great read'],
  },
  {
    url: 'https://docs.example/web/keyboard-accessibility',
    title: 'Designing keyboard shortcuts that do not get in the way',
    tags: ['a11y', 'ux'],
    comments: ['Never fire shortcuts while typing. Ever.', '', 'j/k navigation is underrated'],
  },
  {
    url: 'https://engineering.example/posts/keyset-pagination',
    title: 'Keyset pagination explained with pictures',
    tags: ['database', 'api'],
    comments: ['OFFSET was a mistake.', 'Clear diagrams.', ''],
  },
];

const ALICE_URL = 'https://blog.rust.example/2025/async-closures';
const PASSWORD = 'correct horse battery';

// ---------------------------------------------------------------- tests
/** @type {{ name: string, fn: () => Promise<void> }[]} */
const tests = [];
/** @param {string} name @param {() => Promise<void>} fn */
const test = (name, fn) => tests.push({ name, fn });

/** @param {unknown} cond @param {string} msg */
function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {import('playwright-core').BrowserContext} */
let ctxA;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
const pageErrors = [];

/** @param {import('playwright-core').BrowserContextOptions} [opts] */
async function newContext(opts = {}) {
  if (!browser) throw new Error('browser not started');
  const ctx = await browser.newContext({ baseURL: base, locale: 'en-US', viewport: { width: 1280, height: 900 }, ...opts });
  ctx.setDefaultTimeout(10_000);
  ctx.on('page', (p) => {
    p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`));
    // The server's Content-Security-Policy must not block anything the app does.
    p.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('Content Security Policy')) pageErrors.push(`${p.url()}: ${m.text()}`);
    });
    p.on('dialog', (d) => void d.accept());
  });
  return ctx;
}

/** @param {import('playwright-core').Page} p @param {string} name */
async function shot(p, name) {
  // from the top, so the sticky header sits where it belongs in the full-page image
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** @param {import('playwright-core').Page} p */
async function noHorizontalScroll(p) {
  const { sw, cw } = await p.evaluate(() => ({
    sw: document.documentElement.scrollWidth,
    cw: document.documentElement.clientWidth,
  }));
  assert(sw <= cw, `page scrolls horizontally (${sw} > ${cw}) on ${p.url()}`);
}

/**
 * The header's first row keeps the logo, the links and the actions side by
 * side: nothing wrapped to a second line.
 * @param {import('playwright-core').Page} p
 */
async function headerOnOneRow(p) {
  const centers = await p.evaluate(() =>
    ['.logo', '.header__nav', '.search-toggle', '.header__actions']
      .map((s) => document.querySelector(s))
      .filter((el) => el instanceof HTMLElement && el.offsetParent !== null)
      .map((el) => {
        const r = /** @type {HTMLElement} */ (el).getBoundingClientRect();
        return Math.round((r.top + r.bottom) / 2);
      }),
  );
  assert(new Set(centers).size === 1, `the header is one row on ${p.url()} (centers ${centers.join(', ')})`);
}

/** @param {import('playwright-core').Page} p @param {string} username */
async function loginViaUi(p, username) {
  await p.goto('/login');
  await p.getByLabel('Username').fill(username);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Log in' }).click();
  await p.getByRole('button', { name: new RegExp(`Account menu`) }).waitFor();
}

let bobToken = '';
let entryId = 0;

test('seed other users through the API', async () => {
  bobToken = await registerUser('bob');
  const carolToken = await registerUser('carol');
  const daveToken = await registerUser('dave');
  const tokens = [bobToken, carolToken, daveToken];
  for (const item of SEED) {
    for (let i = 0; i < tokens.length; i++) {
      await bookmark(/** @type {string} */ (tokens[i]), {
        url: item.url,
        title: item.title,
        comment: item.comments[i] ?? '',
        tags: item.tags,
      });
    }
  }
  const found = await api(`/api/v1/entries/lookup?url=${encodeURIComponent(ALICE_URL)}`);
  entryId = found.id;
  assert(found.bookmark_count === 3, `seeded entry has 3 users (got ${found.bookmark_count})`);
});

test('register, log out and log in', async () => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign up' }).click();
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Display name (optional)').fill('Alice A.');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/alice');
  await page.getByRole('heading', { name: /Alice A\./ }).waitFor();
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('link', { name: 'Log in', exact: true }).waitFor();
  await loginViaUi(page, 'alice');
  assert(page.url().endsWith('/alice'), `after login we are on /alice (got ${page.url()})`);
});

test('bookmark a URL with a comment and tags from the dialog', async () => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Add bookmark' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a bookmark' });
  await dialog.getByLabel('URL').fill(ALICE_URL);
  await dialog.getByLabel('Comment').fill('Exactly what I needed — 非同期クロージャ');
  await dialog.getByTestId('comment-counter').filter({ hasText: '/100' }).waitFor();
  const counter = await dialog.getByTestId('comment-counter').textContent();
  assert(counter === `${Array.from('Exactly what I needed — 非同期クロージャ').length}/100`, `live counter (${counter})`);
  await dialog.getByLabel('Tags').fill('rust');
  await dialog.getByLabel('Tags').press('Enter');
  await dialog.getByLabel('Tags').fill('programming');
  await dialog.getByLabel('Tags').press('Enter');
  await dialog.getByRole('button', { name: 'Save bookmark' }).click();
  await page.getByText('Bookmark saved.').waitFor();
  await dialog.waitFor({ state: 'detached' });
});

test('my user page filters by tag and by site', async () => {
  await page.goto('/alice');
  await page.getByRole('link', { name: 'Async closures are stable: what changes for your code' }).waitFor();
  const sidebar = page.locator('aside');
  await sidebar.getByRole('link', { name: /^programming/ }).click();
  await page.waitForURL(/\/alice\?tag=programming/);
  await page.getByTestId('filter-heading').filter({ hasText: 'programming (1)' }).waitFor();
  await page.getByRole('link', { name: 'Async closures are stable: what changes for your code' }).waitFor();
  await page.getByRole('link', { name: 'Clear filter' }).click();
  await sidebar.getByRole('link', { name: 'blog.rust.example' }).click();
  await page.waitForURL(/site=blog\.rust\.example/);
  await page.getByTestId('filter-heading').filter({ hasText: 'Bookmarks / blog.rust.example (1)' }).waitFor();
  await shot(page, 'user-page');
});

test('my comment shows on the entry page', async () => {
  await page.goto(`/entry/${entryId}`);
  await page.getByRole('heading', { level: 1, name: 'Async closures are stable: what changes for your code' }).waitFor();
  const recent = page.getByRole('region', { name: 'Recent comments' });
  await recent.getByText('Exactly what I needed — 非同期クロージャ').waitFor();
  await recent.getByText('Finally! This removes so much boilerplate.').waitFor();
  await page.getByRole('region', { name: 'My bookmark' }).getByRole('link', { name: 'rust' }).waitFor();
});

test("another user stars my comment from a second browser context", async () => {
  const ctxB = await newContext();
  try {
    const pb = await ctxB.newPage();
    await loginViaUi(pb, 'bob');
    await pb.goto(`/entry/${entryId}`);
    const star = pb.getByRole('button', { name: 'Add a star to the comment of alice' });
    await star.click();
    await pb.getByRole('button', { name: 'Remove your star from the comment of alice' }).first().waitFor();
  } finally {
    await ctxB.close();
  }
  await page.reload();
  const popular = page.getByRole('region', { name: 'Popular comments' });
  await popular.getByText('Exactly what I needed — 非同期クロージャ').waitFor();
  const count = await popular.locator('li', { hasText: 'Exactly what I needed' }).getByTestId('star-count').textContent();
  assert(count === '1', `star count is 1 (got ${count})`);
  await shot(page, 'entry-page');
});

test('edit my bookmark in place and then delete it', async () => {
  await page.goto('/alice');
  await page.getByRole('button', { name: /^Edit: Async closures/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit bookmark' });
  const comment = dialog.getByLabel('Comment');
  await page.waitForFunction(
    () => /** @type {HTMLTextAreaElement|null} */ (document.querySelector('[role=dialog] textarea'))?.value.startsWith('Exactly'),
  );
  await comment.fill('Edited: still the best summary');
  await dialog.getByRole('button', { name: 'Save bookmark' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('Edited: still the best summary').waitFor();

  await page.getByRole('button', { name: /^Edit: Async closures/ }).click();
  await page.getByRole('dialog', { name: 'Edit bookmark' }).getByRole('button', { name: 'Delete bookmark' }).click();
  await page.getByText('Bookmark deleted.').waitFor();
  await page.getByText('No bookmarks here yet.').waitFor();
  // The writer gets answers read after their write at once (others within
  // BUKUMA_READ_LAG_MS).
  const { access_token: aliceToken } = await api('/api/v1/auth/login', {
    method: 'POST',
    body: { username: 'alice', password: PASSWORD },
  });
  const after = await api(`/api/v1/entries/${entryId}`, { token: aliceToken });
  assert(after.bookmark_count === 3, `count back to 3 after delete (got ${after.bookmark_count})`);
});

test('settings: an API token is shown once, works, and can be revoked', async () => {
  await page.goto('/settings');
  await page.getByLabel('Token name').fill('cli');
  await page.getByLabel('Scope', { exact: true }).selectOption('write');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())?.trim() ?? '';
  assert(token.length > 10, 'the new token is shown');
  const me = await api('/api/v1/me', { token });
  assert(me.username === 'alice', 'the token authenticates as alice');
  await shot(page, 'settings');
  await page.getByRole('button', { name: 'Revoke token cli' }).click();
  await page.getByText('No tokens yet.').waitFor();
  const r = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  assert(r.status === 401, `a revoked token is refused (got ${r.status})`);
});

test('the bookmarklet URL opens a prefilled bookmark form', async () => {
  const url = 'https://news.example/tech/sqlite-in-production';
  await page.goto(`/add?url=${encodeURIComponent(url)}&title=${encodeURIComponent('ignored title')}`);
  await page.getByRole('heading', { name: 'Add a bookmark' }).waitFor();
  assert((await page.getByLabel('URL').inputValue()) === url, 'URL is prefilled');
  await page.getByLabel('Comment').fill('Saved from the bookmarklet');
  await page.getByRole('button', { name: 'Save bookmark' }).click();
  await page.waitForURL(/\/entry\/\d+$/);
  await page.getByRole('region', { name: 'Recent comments' }).getByText('Saved from the bookmarklet').waitFor();
});

test('keyboard shortcuts j/k/l/o/e on a list', async () => {
  await page.goto('/bob');
  const items = page.locator('[data-shortcut-index]');
  await items.first().waitFor();
  assert((await items.count()) === SEED.length, `bob has ${SEED.length} bookmarks`);
  await page.keyboard.press('j');
  await page.locator('[data-shortcut-index="0"].is-selected').waitFor();
  await page.keyboard.press('j');
  await page.locator('[data-shortcut-index="1"].is-selected').waitFor();
  await page.keyboard.press('k');
  await page.locator('[data-shortcut-index="0"].is-selected').waitFor();
  const firstTitle = (await items.nth(0).locator('h3').textContent())?.trim() ?? '';

  // l: read later on my own bookmark of the selected page (created when missing)
  await page.keyboard.press('l');
  await page.getByText('Added to read later.').waitFor();

  // o: opens the page in a new tab
  const [popup] = await Promise.all([ctxA.waitForEvent('page'), page.keyboard.press('o')]);
  await popup.close();

  // e: opens the comments
  await page.keyboard.press('e');
  await page.waitForURL(/\/entry\/\d+$/);
  await page.getByRole('heading', { level: 1, name: firstTitle }).waitFor();

  // typing in a field never triggers shortcuts
  await page.keyboard.press('b');
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Tags').waitFor();
  await shot(page, 'bookmark-dialog');
  await dialog.getByLabel('Comment').focus();
  await page.keyboard.type('jk');
  assert((await dialog.getByLabel('Comment').inputValue()).endsWith('jk'), 'typed text reaches the field');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  await page.goto('/alice?read_later=true');
  await page.getByRole('link', { name: firstTitle }).waitFor();
});

test('switch language and keep it after a reload', async () => {
  await page.goto('/');
  await page.getByLabel('Language').first().selectOption('ja');
  await page.getByRole('heading', { name: '人気エントリー' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: '人気エントリー' }).waitFor();
  await page.locator('.entry-card').first().waitFor();
  await shot(page, 'hot-ja');
  await page.getByLabel('言語').first().selectOption('en');
  await page.getByRole('heading', { name: 'Hot entries' }).waitFor();
});

test('reload on a deep link keeps the page and the session', async () => {
  await page.goto('/bob?tag=database');
  await page.getByTestId('filter-heading').filter({ hasText: 'database (2)' }).waitFor();
  await page.reload();
  await page.getByTestId('filter-heading').filter({ hasText: 'database (2)' }).waitFor();
  await page.getByRole('button', { name: /Account menu/ }).waitFor();
  await page.goto(`/entry/${entryId}`);
  await page.reload();
  await page.getByRole('region', { name: 'Recent comments' }).waitFor();
  await page.goto('/no/such/page');
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
});

test('hot, new, tag and site pages list entries', async () => {
  await page.goto('/new');
  await page.getByRole('heading', { name: 'New entries' }).waitFor();
  await page.getByRole('link', { name: 'Running SQLite in production: lessons from five years' }).waitFor();
  await page.getByRole('link', { name: 'sqlite', exact: true }).first().click();
  await page.waitForURL(/\/t\/sqlite$/);
  await page.getByRole('heading', { name: 'Entries tagged “sqlite”' }).waitFor();
  await page.getByRole('link', { name: 'Running SQLite in production: lessons from five years' }).waitFor();
  await page.getByRole('link', { name: 'news.example' }).first().click();
  await page.waitForURL(/\/site\/news\.example$/);
  await page.getByRole('link', { name: 'Running SQLite in production: lessons from five years' }).waitFor();
  await page.getByRole('tab', { name: 'Hot' }).click();
  await page.waitForURL(/sort=hot/);
  await page.getByRole('link', { name: 'Running SQLite in production: lessons from five years' }).waitFor();
  await page.goto('/');
  await page.getByRole('heading', { name: 'Hot entries' }).waitFor();
  await page.locator('.entry-card').first().waitFor();
  await page.getByRole('button', { name: /Account menu/ }).waitFor();
  await shot(page, 'hot');
});

test('category tabs on the hot and new lists, and a category suggestion', async () => {
  await page.goto('/hot');
  const tabs = page.getByRole('navigation', { name: 'Categories' });
  await tabs.getByRole('link', { name: 'Technology' }).click();
  await page.waitForURL(/\/hot\/it$/);
  // The URL changes before the tabs re-render: wait for the mark, then check it.
  await tabs.locator('a[aria-current="page"]', { hasText: 'Technology' }).waitFor().catch(() => {});
  assert(
    (await tabs.getByRole('link', { name: 'Technology' }).getAttribute('aria-current')) === 'page',
    'the Technology tab is the current one',
  );
  await shot(page, 'hot-category');
  await page.goto('/new/game');
  await page.locator('nav[aria-label="Categories"] a[aria-current="page"]').first().waitFor().catch(() => {});
  assert(
    (await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Anime & Games' }).getAttribute('aria-current')) ===
      'page',
    'the Anime & Games tab is the current one on /new/game',
  );
  await page.goto(`/entry/${entryId}`);
  await page.getByRole('combobox', { name: 'Suggest a category' }).selectOption('fun');
  await page.getByRole('button', { name: 'Suggest', exact: true }).click();
  await page.getByText('Thanks! Suggestions for Fun: 1').waitFor();
  await shot(page, 'entry-suggest-category');
  const history = await fetch(`${base}/api/v1/entries/${entryId}/category-history`);
  assert(history.status === 200, `the category history answers (got ${history.status})`);
});

test('settings: a Hatena-compatible app gets OAuth credentials and is revoked', async () => {
  await page.goto('/settings');
  await page.getByLabel('App name').fill('hatebu-cli');
  await page.getByLabel('App scope').selectOption('write');
  await page.getByRole('button', { name: 'Create app' }).click();
  for (const field of ['consumer_key', 'consumer_secret', 'access_token', 'access_token_secret']) {
    const value = (await page.getByTestId(`hatena-${field}`).textContent())?.trim() ?? '';
    assert(value.length >= 16, `${field} is shown`);
  }
  await shot(page, 'settings-hatena-app');
  await page.setViewportSize({ width: 360, height: 740 });
  await shot(page, 'mobile-settings-hatena-app');
  await noHorizontalScroll(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: 'Revoke app hatebu-cli' }).click();
  await page.getByText('No apps yet.').waitFor();
});

test('a 360 px phone screen has no horizontal scroll', async () => {
  const ctxM = await newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const pm = await ctxM.newPage();
    for (const [path, name] of [
      ['/', 'mobile-hot'],
      ['/hot/it', 'mobile-hot-category'],
      [`/entry/${entryId}`, 'mobile-entry'],
      ['/bob', 'mobile-user'],
      ['/login', 'mobile-login'],
    ]) {
      await pm.goto(/** @type {string} */ (path));
      await pm.locator('main h1, main h2').first().waitFor();
      await pm.locator('.state--loading').first().waitFor({ state: 'detached' }).catch(() => {});
      await noHorizontalScroll(pm);
      await shot(pm, /** @type {string} */ (name));
    }
  } finally {
    await ctxM.close();
  }
});

/**
 * Reloads `p` until `locator` shows: the server indexes a write for search a
 * moment after it commits, so the first answer may not have it yet.
 * @param {import('playwright-core').Page} p
 * @param {import('playwright-core').Locator} locator
 */
async function reloadUntilVisible(p, locator, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await locator.first().waitFor({ timeout: 1_000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await p.reload();
    }
  }
}

test('search Japanese from the header box, highlighted, everyone and mine', async () => {
  const TITLE = '死活監視基盤の設計';
  const PRIVATE_TITLE = '監視ダッシュボードのメモ';
  const BOB_TITLE = '障害対応の手引き: 監視アラートの設計';
  const hanakoToken = await registerUser('hanako');
  await bookmark(bobToken, {
    url: 'https://sre.example/incident/monitoring-alerts',
    title: BOB_TITLE,
    comment: 'アラート疲れの対策がよくまとまっている',
    tags: ['監視', 'sre'],
  });
  await bookmark(bobToken, { url: 'https://audit.example/logs/retention', title: '監査ログの保存期間', tags: ['監査'] });
  await api('/api/v1/bookmarks', {
    method: 'POST',
    token: hanakoToken,
    body: { url: 'https://notes.example/dashboard', title: PRIVATE_TITLE, comment: '社内向けの下書き', private: true },
  });

  const ctx = await newContext();
  try {
    const p = await ctx.newPage();
    await loginViaUi(p, 'hanako');

    // save a bookmark with a Japanese title and comment from the dialog
    await p.goto('/');
    await p.getByRole('button', { name: 'Add bookmark' }).click();
    const dialog = p.getByRole('dialog', { name: 'Add a bookmark' });
    await dialog.getByLabel('URL').fill('https://sre.example/articles/monitoring-platform');
    await dialog.getByLabel('Title').fill(TITLE);
    // an emoji before the match: ranges count code points, not UTF-16 units
    await dialog.getByLabel('Comment').fill('👍 監視の設計がよくまとまっている');
    await dialog.getByRole('button', { name: 'Save bookmark' }).click();
    await p.getByText('Bookmark saved.').waitFor();
    await dialog.waitFor({ state: 'detached' });

    // `/` focuses the header box; Enter searches
    await p.locator('body').click({ position: { x: 5, y: 300 } });
    await p.keyboard.press('/');
    const box = p.getByRole('searchbox', { name: 'Search entries and bookmarks' });
    assert(await box.evaluate((el) => el === document.activeElement), '/ focuses the search box');
    await p.keyboard.type('監視');
    await p.keyboard.press('Enter');
    await p.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === '監視');

    const mine = p.getByRole('link', { name: TITLE });
    await reloadUntilVisible(p, mine);
    const marks = await mine.locator('mark').allTextContents();
    assert(JSON.stringify(marks) === JSON.stringify(['監視']), `監視 is marked in the title (got ${JSON.stringify(marks)})`);
    await reloadUntilVisible(p, p.getByRole('link', { name: BOB_TITLE }));
    assert((await p.getByRole('link', { name: '監査ログの保存期間' }).count()) === 0, '監視 does not find 監査');
    assert((await p.getByRole('link', { name: PRIVATE_TITLE }).count()) === 0, "a private bookmark is not in everyone's results");

    // the feed of the query
    const feed = await p.getByRole('link', { name: 'RSS feed of this search' }).getAttribute('href');
    assert(feed === `/search.rss?q=${encodeURIComponent('監視')}`, `feed link (got ${feed})`);
    const rss = await (await fetch(`${base}${feed}`)).text();
    assert(rss.includes(TITLE), 'the feed lists the result');

    // a filter goes into the URL, and back undoes it
    await p.getByLabel('Sort by').selectOption('recent');
    await p.waitForURL(/sort=recent/);
    await p.goBack();
    await p.waitForURL((u) => u.pathname === '/search' && !u.searchParams.has('sort'));
    assert((await p.getByLabel('Sort by').inputValue()) === 'relevance', 'back restores the sort control');
    await mine.waitFor();
    await shot(p, 'search');

    // my own bookmarks, private ones included
    await p.getByRole('link', { name: 'My bookmarks' }).click();
    await p.waitForURL(/scope=mine/);
    const privateRow = p.locator('article', { has: p.getByRole('link', { name: PRIVATE_TITLE }) });
    await reloadUntilVisible(p, privateRow);
    await privateRow.getByText('Private').waitFor();
    const myRow = p.locator('article', { has: p.getByRole('link', { name: TITLE }) });
    const commentMarks = await myRow.locator('.bookmark__comment mark').allTextContents();
    assert(JSON.stringify(commentMarks) === JSON.stringify(['監視']), `監視 is marked after an emoji (got ${commentMarks})`);
    assert((await p.getByRole('link', { name: BOB_TITLE }).count()) === 0, "others' bookmarks are not in mine");
    await p.keyboard.press('j');
    await p.locator('[data-shortcut-index="0"].is-selected').waitFor();
    await shot(p, 'search-mine');

    // the same in Japanese
    await p.getByLabel('Language').first().selectOption('ja');
    await p.getByRole('heading', { name: '「監視」の検索結果' }).waitFor();
    await shot(p, 'search-mine-ja');
    await p.getByRole('link', { name: 'みんなのブックマーク' }).click();
    await p.getByRole('link', { name: TITLE }).waitFor();
    await shot(p, 'search-ja');

    // a tablet: the box shares the header row
    await p.setViewportSize({ width: 768, height: 900 });
    await headerOnOneRow(p);
    await shot(p, 'tablet-search-ja');

    // a phone: the header box folds into a button
    await p.setViewportSize({ width: 360, height: 740 });
    await noHorizontalScroll(p);
    await shot(p, 'mobile-search-ja');
    await p.getByRole('link', { name: '自分のブックマーク' }).click();
    await p.getByRole('link', { name: PRIVATE_TITLE }).waitFor();
    await noHorizontalScroll(p);
    await p.goto('/');
    await p.locator('.entry-card').first().waitFor();
    await noHorizontalScroll(p);
    await headerOnOneRow(p);
    await p.getByRole('button', { name: '検索ボックスを開く' }).click();
    const phoneBox = p.getByRole('searchbox', { name: 'エントリーとブックマークを検索' });
    await phoneBox.fill('設計');
    await shot(p, 'mobile-search-open-ja');
    await phoneBox.press('Enter');
    await p.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === '設計');
    await reloadUntilVisible(p, p.getByRole('link', { name: TITLE }));
    await noHorizontalScroll(p);
  } finally {
    await ctx.close();
  }

  // signed out, "mine" asks to log in
  const ctxM = await newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const pm = await ctxM.newPage();
    await pm.goto('/');
    await pm.getByRole('heading', { name: 'Hot entries' }).waitFor();
    await headerOnOneRow(pm);
    await pm.goto(`/search?q=${encodeURIComponent('監視')}`);
    await pm.getByRole('link', { name: TITLE }).waitFor();
    await noHorizontalScroll(pm);
    await shot(pm, 'mobile-search');
    await pm.getByRole('button', { name: 'Filters' }).click();
    await pm.getByLabel('Sort by').waitFor();
    await noHorizontalScroll(pm);
    await shot(pm, 'mobile-search-filters');
    await pm.getByRole('link', { name: 'My bookmarks' }).click();
    await pm.getByText('Log in to search your own bookmarks, private ones included.').waitFor();
    await shot(pm, 'mobile-search-mine-signed-out');
  } finally {
    await ctxM.close();
  }
});

test('follow someone from their page and see their bookmark in the feed', async () => {
  const FEED_TITLE = '分散トレーシング入門: スパンとコンテキスト伝播';
  const FEED_URL = 'https://observability.example/tracing/intro';
  const yukiToken = await registerUser('yuki');
  await registerUser('kenji');
  // something of yuki's before the follow, so the profile has a list
  await bookmark(yukiToken, { url: 'https://observability.example/logs', title: 'ログ設計の基本', tags: ['logging'] });

  const ctx = await newContext();
  try {
    const p = await ctx.newPage();
    await loginViaUi(p, 'kenji');

    // follow yuki with the button on her page
    await p.goto('/yuki');
    await p.getByRole('heading', { name: /Yuki/ }).waitFor();
    await p.getByTestId('follower-count').filter({ hasText: '0' }).waitFor();
    await p.getByRole('button', { name: 'Follow', exact: true }).click();
    await p.getByRole('button', { name: /^Following/ }).waitFor();
    await p.getByTestId('follower-count').filter({ hasText: '1' }).waitFor();
    await shot(p, 'follow-user-page');
    // the followee is told
    const told = await api('/api/v1/me/notifications', { token: yukiToken });
    const follow = told.items.find((/** @type {{ kind: string }} */ n) => n.kind === 'follow');
    assert(follow?.actors[0]?.username === 'kenji' && told.unread_count === 1, `yuki is told kenji follows her (${JSON.stringify(told)})`);
    // it holds after a reload: the server has it
    await p.reload();
    await p.getByRole('button', { name: /^Following/ }).waitFor();
    await p.getByRole('link', { name: '1 follower' }).click();
    await p.waitForURL('**/users/yuki/followers');
    await p.getByRole('link', { name: 'Kenji' }).waitFor();
    await shot(p, 'follow-followers');

    // the followee saves a bookmark; the follower sees it on /feed
    await bookmark(yukiToken, { url: FEED_URL, title: FEED_TITLE, comment: 'サンプリングの話が分かりやすい', tags: ['tracing', '監視'] });
    await p.goto('/');
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed' }).click();
    await p.waitForURL('**/feed');
    const row = p.locator('article', { has: p.getByRole('link', { name: FEED_TITLE }) });
    await reloadUntilVisible(p, row);
    await row.getByRole('link', { name: /Yuki/ }).waitFor();
    await row.getByText('サンプリングの話が分かりやすい').waitFor();
    const rss = await p.getByRole('link', { name: 'RSS feed of the people you follow' }).getAttribute('href');
    assert(rss === '/kenji/feed.rss', `feed RSS link (got ${rss})`);
    const xml = await (await fetch(`${base}${rss}`)).text();
    assert(xml.includes(FEED_TITLE), "the RSS feed has the followee's bookmark");
    await p.keyboard.press('j');
    await p.locator('[data-shortcut-index="0"].is-selected').waitFor();
    // the tag filter
    await p.getByLabel('Filter by tag').fill('監視');
    await p.getByLabel('Filter by tag').press('Enter');
    await p.waitForURL((u) => u.pathname === '/feed' && u.searchParams.get('tag') === '監視');
    await p.getByRole('heading', { name: 'Feed: 監視' }).waitFor();
    // the untagged bookmark leaves once the narrowed page has come
    await p.getByRole('link', { name: 'ログ設計の基本' }).waitFor({ state: 'detached' });
    await row.waitFor();
    await headerOnOneRow(p);
    await shot(p, 'feed');

    // my hot entries name who bookmarked
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My hot entries' }).click();
    await p.waitForURL('**/my/hot');
    await p.getByText('Bookmarked by Yuki').first().waitFor();
    await shot(p, 'my-hot');

    // the entry page puts the followee's bookmark first and lists everyone
    await p.getByRole('link', { name: FEED_TITLE }).locator('xpath=ancestor::article').getByRole('link', { name: /user/ }).click();
    await p.getByRole('region', { name: 'Bookmarks by people you follow' }).getByText('サンプリングの話が分かりやすい').waitFor();
    await p.getByRole('region', { name: 'Everyone who bookmarked this' }).getByRole('link', { name: 'yuki' }).waitFor();
    await shot(p, 'entry-followees');

    // Japanese, desktop and phone
    await p.getByLabel('Language').first().selectOption('ja');
    await p.getByRole('heading', { name: 'フォローしている人のブックマーク' }).waitFor();
    await shot(p, 'entry-followees-ja');
    await p.goto('/feed');
    await p.getByRole('heading', { name: 'フィード' }).waitFor();
    await p.getByRole('link', { name: FEED_TITLE }).waitFor();
    await headerOnOneRow(p);
    await shot(p, 'feed-ja');
    await p.goto('/my/hot');
    await p.getByText('Yuki がブックマーク').first().waitFor();
    await shot(p, 'my-hot-ja');
    await p.setViewportSize({ width: 360, height: 740 });
    const feedEntry = await api(`/api/v1/entries/lookup?url=${encodeURIComponent(FEED_URL)}`);
    for (const [path, name, ready] of [
      [`/entry/${feedEntry.id}`, 'mobile-entry-followees-ja', p.getByRole('heading', { name: 'フォローしている人のブックマーク' })],
      ['/feed', 'mobile-feed-ja', p.getByRole('link', { name: FEED_TITLE })],
      ['/my/hot', 'mobile-my-hot-ja', p.getByText('Yuki がブックマーク').first()],
      ['/yuki', 'mobile-follow-user-ja', p.getByRole('button', { name: /^フォロー中/ })],
      ['/users/yuki/followers', 'mobile-followers-ja', p.getByRole('link', { name: 'Kenji' })],
    ]) {
      await p.goto(/** @type {string} */ (path));
      await /** @type {import('playwright-core').Locator} */ (ready).waitFor();
      await noHorizontalScroll(p);
      await headerOnOneRow(p);
      await shot(p, /** @type {string} */ (name));
    }
    // on a phone the new pages are in the account menu
    await p.getByRole('button', { name: /アカウントメニュー/ }).click();
    await p.getByRole('link', { name: 'フィード' }).click();
    await p.waitForURL('**/feed');

    // unfollow: the feed empties
    await p.goto('/yuki');
    await p.getByRole('button', { name: /^フォロー中/ }).click();
    await p.getByRole('button', { name: 'フォローする' }).waitFor();
    await p.goto('/feed');
    await p.getByText(/ユーザーページからフォローすると/).waitFor();
  } finally {
    await ctx.close();
  }

  // signed out: no button, a way to log in instead
  const ctxM = await newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const pm = await ctxM.newPage();
    await pm.goto('/yuki');
    await pm.getByRole('link', { name: 'Log in to follow' }).waitFor();
    assert((await pm.getByRole('button', { name: 'Follow', exact: true }).count()) === 0, 'no follow button when signed out');
    await noHorizontalScroll(pm);
    await shot(pm, 'mobile-follow-signed-out');
    await pm.goto('/feed');
    await pm.getByText('Log in to see the bookmarks of the people you follow.').waitFor();
  } finally {
    await ctxM.close();
  }
});

/** @param {string} username @returns {Promise<string>} */
async function tokenOf(username) {
  const { access_token } = await api('/api/v1/auth/login', { method: 'POST', body: { username, password: PASSWORD } });
  return access_token;
}

/** @param {string} url @returns {Promise<{ id: number }>} */
function entryOf(url) {
  return api(`/api/v1/entries/lookup?url=${encodeURIComponent(url)}`);
}

test('star a comment and the notification reaches its author', async () => {
  const TITLE = 'Property-based testing in practice';
  const URL_B = 'https://testing.example/property-based';
  const COMMENT = 'Shrinking is the killer feature.';
  const mihoToken = await registerUser('miho');
  const taroToken = await registerUser('taro');
  const mine = await bookmark(mihoToken, { url: URL_B, title: TITLE, comment: COMMENT, tags: ['testing'] });
  const e = await entryOf(URL_B);

  const ctxM = await newContext();
  const ctxT = await newContext();
  try {
    const pm = await ctxM.newPage();
    // the page's clock, to move the bell's 30 s poll along
    await pm.clock.install();
    await loginViaUi(pm, 'miho');
    await pm.goto('/');
    await pm.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    assert((await pm.getByTestId('unread-count').count()) === 0, 'no badge while nothing is unread');

    // taro stars miho's comment in his own browser
    const pt = await ctxT.newPage();
    await loginViaUi(pt, 'taro');
    await pt.goto(`/entry/${e.id}`);
    await pt.getByRole('button', { name: 'Add a star to the comment of miho' }).click();
    await pt.getByRole('button', { name: 'Remove your star from the comment of miho' }).first().waitFor();

    // the bell counts it at its next poll, without a reload
    await pm.clock.fastForward(31_000);
    const bell = pm.getByRole('link', { name: 'Notifications (1 unread)' });
    await bell.waitFor();
    assert((await bell.getByTestId('unread-count').textContent()) === '1', 'the badge says 1');
    await headerOnOneRow(pm);
    await shot(pm, 'bell');

    // more happens: taro follows her, and the page she found first reaches 5 users
    await api('/api/v1/users/miho/follow', { method: 'PUT', token: taroToken });
    await bookmark(taroToken, { url: URL_B, title: TITLE });
    await bookmark(bobToken, { url: URL_B, title: TITLE });
    for (const name of ['saki', 'ren']) await bookmark(await registerUser(name), { url: URL_B, title: TITLE });
    await api(`/api/v1/comments/${mine.id}/star`, { method: 'PUT', token: bobToken });

    await bell.click();
    await pm.waitForURL('**/notifications');
    await pm.getByTestId('unread-summary').filter({ hasText: '3 unread' }).waitFor();
    const texts = await pm.locator('.notification__text').allTextContents();
    assert(
      JSON.stringify(texts) ===
        JSON.stringify([
          `Unread: Bob and Taro starred your comment on ${TITLE}`,
          `Unread: Your first bookmark of ${TITLE} reached 5 users`,
          'Unread: Taro followed you',
        ]),
      `the notifications say who did what (got ${JSON.stringify(texts)})`,
    );
    await pm.locator('.notification.is-unread').first().getByText(COMMENT).waitFor();
    await pm.getByRole('link', { name: 'Notifications (3 unread)' }).waitFor();
    await pm.keyboard.press('j');
    await pm.locator('[data-shortcut-index="0"].is-selected').waitFor();
    await pm.keyboard.press('j');
    await pm.locator('[data-shortcut-index="1"].is-selected').waitFor();
    await shot(pm, 'notifications');

    await pm.getByRole('button', { name: 'Mark all as read' }).click();
    await pm.getByText('All notifications marked as read.').waitFor();
    await pm.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    await pm.locator('.notification.is-unread').first().waitFor({ state: 'detached' });
    const left = await api('/api/v1/me/notifications/unread-count', { token: mihoToken });
    assert(left.unread_count === 0, `nothing unread on the server (got ${left.unread_count})`);
    await pm.getByText('All caught up.').waitFor();
    // e opens the entry of the selected notification
    await pm.keyboard.press('k');
    await pm.locator('[data-shortcut-index="0"].is-selected').waitFor();
    await pm.keyboard.press('e');
    await pm.waitForURL(`**/entry/${e.id}`);

    // Japanese, desktop and phone
    await pm.goto('/notifications');
    await pm.getByLabel('Language').first().selectOption('ja');
    await pm.getByRole('heading', { name: '通知' }).waitFor();
    await pm.getByText(`Bob、Taro があなたの「${TITLE}」へのコメントにスターを付けました`).waitFor();
    await shot(pm, 'notifications-ja');
    await pm.setViewportSize({ width: 360, height: 740 });
    await noHorizontalScroll(pm);
    await headerOnOneRow(pm);
    await shot(pm, 'mobile-notifications-ja');
    // on a phone the language switcher is in the account menu
    await pm.getByRole('button', { name: /アカウントメニュー/ }).click();
    await pm.locator('#menu-lang-switch').selectOption('en');
    await pm.getByRole('heading', { name: 'Notifications' }).waitFor();
    await pm.keyboard.press('Escape');
    await noHorizontalScroll(pm);
    await headerOnOneRow(pm);
    await shot(pm, 'mobile-notifications');
  } finally {
    await ctxM.close();
    await ctxT.close();
  }
});

test('mute and report from a comment menu', async () => {
  const TITLE = 'Writing a tiny HTTP server from scratch';
  const URL_C = 'https://net.example/tiny-http';
  const SPAM = 'Cheap watches at watches.example!!!';
  const FAIR = 'Nice walk through the parser.';
  const spammyToken = await registerUser('spammy');
  const hanaToken = await registerUser('hana');
  await registerUser('kenta');
  await bookmark(hanaToken, { url: URL_C, title: TITLE, comment: FAIR });
  const spam = await bookmark(spammyToken, { url: URL_C, title: TITLE, comment: SPAM });
  const e = await entryOf(URL_C);

  const ctx = await newContext();
  try {
    const p = await ctx.newPage();
    await loginViaUi(p, 'kenta');
    await p.goto(`/entry/${e.id}`);
    const recent = p.getByRole('region', { name: 'Recent comments' });
    const everyone = p.getByRole('region', { name: 'Everyone who bookmarked this' });
    await recent.getByText(SPAM).waitFor();

    // an accessible menu: a button with a popup, Escape closes it
    const menuButton = recent.getByRole('button', { name: 'More actions for the comment of spammy' });
    assert((await menuButton.getAttribute('aria-haspopup')) === 'menu', 'the button says it opens a menu');
    await menuButton.click();
    await p.getByRole('menuitem', { name: 'Mute spammy' }).waitFor();
    await p.keyboard.press('Escape');
    await p.getByRole('menu').waitFor({ state: 'detached' });
    assert(await menuButton.evaluate((el) => el === document.activeElement), 'Escape gives focus back to the button');

    // report the comment
    await menuButton.click();
    await shot(p, 'comment-menu');
    await p.getByRole('menuitem', { name: 'Report…' }).click();
    const dialog = p.getByRole('dialog', { name: 'Report the comment of spammy' });
    await dialog.getByRole('radio', { name: /Spam/ }).check();
    await dialog.getByLabel('Note for the admins (optional)').fill('The same link on many pages.');
    await shot(p, 'report-dialog');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await p.getByText('Thank you. The admins will look at your report.').waitFor();
    await dialog.waitFor({ state: 'detached' });
    // the server has it: reporting again answers with the same report
    const again = await fetch(`${base}/api/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await tokenOf('kenta')}` },
      body: JSON.stringify({ target: { kind: 'comment', id: spam.id }, reason: 'spam' }),
    });
    const existing = await again.json();
    assert(again.status === 200 && existing.note === 'The same link on many pages.', `the report exists (${again.status})`);

    // mute the author: the comment leaves both lists; Undo brings it back
    await menuButton.click();
    await p.getByRole('menuitem', { name: 'Mute spammy' }).click();
    await p.getByText(/^Muted spammy\./).waitFor();
    await recent.getByText(SPAM).waitFor({ state: 'detached' });
    await everyone.getByRole('link', { name: 'spammy' }).waitFor({ state: 'detached' });
    await recent.getByText(FAIR).waitFor();
    await shot(p, 'muted-toast');
    await p.getByRole('button', { name: 'Undo' }).click();
    await recent.getByText(SPAM).waitFor();
    await p.getByText('Unmuted spammy.').waitFor();
    // mute for good: it stays gone after a reload, and others still see it
    await menuButton.click();
    await p.getByRole('menuitem', { name: 'Mute spammy' }).click();
    await recent.getByText(SPAM).waitFor({ state: 'detached' });
    await p.reload();
    await recent.getByText(FAIR).waitFor();
    assert((await p.getByText(SPAM).count()) === 0, 'the muted comment stays hidden after a reload');
    const others = await api(`/api/v1/entries/${e.id}/comments`);
    assert(
      others.items.some((/** @type {{ comment: string }} */ c) => c.comment === SPAM),
      'other viewers still see the comment',
    );

    // settings list the mute; a muted word hides comments with it
    await p.goto('/settings');
    const mutes = p.getByRole('region', { name: 'Mutes' });
    await mutes.getByRole('list', { name: 'Users' }).getByRole('link', { name: /Spammy/ }).waitFor();
    await mutes.getByLabel('Mute a word').fill('Parser');
    await mutes.getByRole('button', { name: 'Mute', exact: true }).first().click();
    await mutes.getByRole('list', { name: 'Words' }).getByText('parser').waitFor();
    // the server's field error shows beside its field
    const siteField = mutes.getByLabel('Mute a site');
    await siteField.fill('not a host');
    await mutes.getByRole('button', { name: 'Mute', exact: true }).nth(1).click();
    await mutes.locator('#mute-domain-error').waitFor();
    assert((await siteField.getAttribute('aria-invalid')) === 'true', 'the site field is marked invalid');
    await siteField.fill('ads.example');
    await mutes.getByRole('button', { name: 'Mute', exact: true }).nth(1).click();
    await mutes.getByRole('list', { name: 'Sites' }).getByText('ads.example').waitFor();
    await shot(p, 'settings-mutes');
    await p.goto(`/entry/${e.id}`);
    await recent.getByText('No comments yet.').waitFor();

    // unmute from the settings: the comments come back
    await p.goto('/settings');
    await mutes.getByRole('button', { name: 'Unmute the word parser' }).click();
    await mutes.getByText('No muted words.').waitFor();
    await mutes.getByRole('button', { name: 'Unmute spammy' }).click();
    await mutes.getByText(/^No muted users/).waitFor();
    await p.goto(`/entry/${e.id}`);
    await recent.getByText(SPAM).waitFor();
    await recent.getByText(FAIR).waitFor();

    // Japanese, desktop and phone
    await p.goto('/settings');
    await p.getByLabel('Language').first().selectOption('ja');
    await p.getByRole('region', { name: 'ミュート' }).getByText('ads.example').waitFor();
    await shot(p, 'settings-mutes-ja');
    await p.setViewportSize({ width: 360, height: 740 });
    await noHorizontalScroll(p);
    await shot(p, 'mobile-settings-mutes-ja');
    await p.goto(`/entry/${e.id}`);
    const recentJa = p.getByRole('region', { name: '新着コメント' });
    await recentJa.getByText(FAIR).waitFor();
    await recentJa.getByRole('button', { name: 'hana のコメントのメニュー' }).click();
    await p.getByRole('menuitem', { name: '通報…' }).waitFor();
    await noHorizontalScroll(p);
    await shot(p, 'mobile-comment-menu-ja');
    await p.getByRole('menuitem', { name: '通報…' }).click();
    await p.getByRole('dialog', { name: 'hana のコメントを通報' }).getByRole('radio', { name: /その他/ }).check();
    await shot(p, 'mobile-report-dialog-ja');
    await p.keyboard.press('Escape');
    await p.getByRole('dialog').waitFor({ state: 'detached' });
  } finally {
    await ctx.close();
  }
});

test('an admin resolves reports: the comment is hidden for everyone', async () => {
  const TITLE = 'Ten years of keyboard-driven editing';
  const URL_D = 'https://editors.example/keyboard';
  const RUDE = 'Anyone who uses a mouse is an idiot.';
  const FAIR = 'Modal editing clicked for me after a week.';
  const vandalToken = await registerUser('vandal');
  const namiToken = await registerUser('nami');
  await bookmark(namiToken, { url: URL_D, title: TITLE, comment: FAIR });
  const rude = await bookmark(vandalToken, { url: URL_D, title: TITLE, comment: RUDE });
  const e = await entryOf(URL_D);
  const report = (/** @type {unknown} */ target, /** @type {string} */ note) =>
    api('/api/v1/reports', { method: 'POST', token: namiToken, body: { target, reason: 'harassment', note } });
  await report({ kind: 'comment', id: rude.id }, 'Insults everyone who disagrees.');
  await report({ kind: 'user', id: 'vandal' }, 'Does this on every page.');

  // the admin account comes from the command line, beside the running server
  const created = cli(['user', 'create', 'root', '--admin', '--display-name', 'Root'], `${PASSWORD}\n`);
  assert(created.includes('admin'), `the CLI made an admin (${created.trim()})`);

  const ctx = await newContext();
  const anon = await newContext();
  try {
    // anyone else is not let in, and has no link to it
    const pn = await ctx.newPage();
    await loginViaUi(pn, 'nami');
    await pn.goto('/admin');
    await pn.getByTestId('not-allowed').waitFor();
    await pn.getByRole('button', { name: /Account menu/ }).click();
    await pn.getByRole('link', { name: 'Settings' }).waitFor();
    assert((await pn.getByRole('link', { name: 'Admin' }).count()) === 0, 'no admin link for a user');
    await pn.keyboard.press('Escape');
    await shot(pn, 'admin-not-allowed');
    await pn.getByRole('button', { name: /Account menu/ }).click();
    await pn.getByRole('button', { name: 'Log out' }).click();
    await pn.getByRole('banner').getByRole('link', { name: 'Log in', exact: true }).waitFor();
    await pn.close();

    const p = await ctx.newPage();
    const pa = await anon.newPage();
    await pa.goto(`/entry/${e.id}`);
    const anonRecent = pa.getByRole('region', { name: 'Recent comments' });
    await anonRecent.getByText(RUDE).waitFor();

    await loginViaUi(p, 'root');
    await p.getByRole('button', { name: /Account menu/ }).click();
    await p.getByRole('link', { name: 'Admin' }).click();
    await p.waitForURL('**/admin');
    const card = p.getByRole('article', { name: `Reported Comment #${rude.id}` });
    await card.getByText(RUDE).waitFor();
    assert((await card.getByTestId('report-count').textContent()) === '1 report', 'the report count');
    await card.getByText('Insults everyone who disagrees.').waitFor();
    await card.getByRole('list', { name: 'Reasons' }).getByText('Harassment').waitFor();
    const buttons = async (/** @type {import('playwright-core').Locator} */ c) =>
      JSON.stringify(await c.getByRole('group', { name: 'Resolve' }).getByRole('button').allTextContents());
    assert(
      (await buttons(card)) === JSON.stringify(['Dismiss', 'Hide comment', 'Hide entry', 'Suspend user']),
      `a comment's actions (${await buttons(card)})`,
    );
    const userCard = p.getByRole('article', { name: /^Reported User #/ });
    assert((await buttons(userCard)) === JSON.stringify(['Dismiss', 'Suspend user']), `a user's actions (${await buttons(userCard)})`);
    await p.keyboard.press('j');
    await p.locator('[data-shortcut-index="0"].is-selected').waitFor();
    await p.keyboard.press('j');
    await p.locator('[data-shortcut-index="1"].is-selected').waitFor();
    await shot(p, 'admin-queue');

    // hide the comment: gone for everyone else
    await card.getByLabel('Note for the moderation log').fill('Personal attack');
    await card.getByRole('button', { name: 'Hide comment' }).click();
    await p.getByText('Resolved.').first().waitFor();
    await card.waitFor({ state: 'detached' });
    await pa.reload();
    await anonRecent.getByText(FAIR).waitFor();
    assert((await pa.getByText(RUDE).count()) === 0, 'the hidden comment is gone for others');
    const left = await api(`/api/v1/entries/${e.id}/comments`);
    assert(!left.items.some((/** @type {{ comment: string }} */ c) => c.comment === RUDE), 'and from the API');

    // suspend the user of the other case
    await userCard.getByRole('button', { name: 'Suspend user' }).click();
    await userCard.waitFor({ state: 'detached' });

    // both show as resolved, and in the log with their undo buttons
    await p.getByRole('link', { name: 'Resolved' }).click();
    await p.getByRole('article', { name: `Reported Comment #${rude.id}` }).getByText('Comment hidden').waitFor();
    await shot(p, 'admin-resolved');
    await p.getByRole('link', { name: 'Log', exact: true }).click();
    const rows = p.locator('.log-item');
    await rows.first().getByText('Suspend user').waitFor();
    await rows.first().getByRole('link', { name: 'id:vandal' }).waitFor();
    await rows.nth(1).getByText('Personal attack').waitFor();
    await shot(p, 'admin-log');
    await rows.first().getByRole('button', { name: 'Unsuspend vandal' }).click();
    await p.getByText('The user can sign in again.').waitFor();
    await rows.nth(2).getByRole('button', { name: 'Unhide the comment' }).click();
    await p.getByText('The comment shows again.').waitFor();
    await pa.reload();
    await anonRecent.getByText(RUDE).waitFor();
    await rows.first().getByText('Unhide comment').waitFor();
    // what was undone offers no undo any more
    await p.locator('.log-item button').first().waitFor({ state: 'detached' });

    // Japanese, desktop and phone
    await api('/api/v1/reports', {
      method: 'POST',
      token: await registerUser('sora'),
      body: { target: { kind: 'comment', id: rude.id }, reason: 'spam', note: '同じ内容を何度も投稿しています。' },
    });
    await p.goto('/admin');
    await p.getByLabel('Language').first().selectOption('ja');
    await p.getByRole('heading', { name: 'モデレーション' }).waitFor();
    await p.getByRole('article', { name: `通報されたコメント #${rude.id}` }).getByText('同じ内容を何度も投稿しています。').waitFor();
    await shot(p, 'admin-queue-ja');
    await p.setViewportSize({ width: 360, height: 740 });
    await noHorizontalScroll(p);
    await headerOnOneRow(p);
    await shot(p, 'mobile-admin-ja');
    await p.getByRole('link', { name: '記録', exact: true }).click();
    await p.locator('.log-item').first().waitFor();
    await noHorizontalScroll(p);
    await shot(p, 'mobile-admin-log-ja');
  } finally {
    await ctx.close();
    await anon.close();
  }
});

test('settings: change the password, then delete the account', async () => {
  const ctx = await newContext();
  const p = await ctx.newPage();
  try {
    const otherSession = await registerUser('erin');
    await loginViaUi(p, 'erin');
    await p.goto('/settings');
    const account = p.getByRole('region', { name: 'Account' });
    await account.getByLabel('Current password').fill(PASSWORD);
    await account.getByLabel('New password').fill('a brand new passphrase');
    await account.getByRole('button', { name: 'Change password' }).click();
    await p.getByText('Password changed. Your other sessions were signed out.').waitFor();
    // The session registered through the API ended; this one goes on.
    const r = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${otherSession}` } });
    assert(r.status === 401, `the other session's token is rejected (got ${r.status})`);
    await p.reload();
    await p.getByRole('button', { name: /Account menu/ }).waitFor();
    const oldLogin = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'erin', password: PASSWORD }),
    });
    assert(oldLogin.status === 401, `the old password no longer works (got ${oldLogin.status})`);

    await p.goto('/settings');
    await p.getByRole('region', { name: 'Account' }).getByRole('button', { name: 'Delete account' }).click();
    const dialog = p.getByRole('dialog', { name: 'Delete account' });
    await dialog.getByLabel('Password').fill('a brand new passphrase');
    const forever = dialog.getByRole('button', { name: 'Delete my account forever' });
    assert(await forever.isDisabled(), 'deleting waits for the typed username');
    await dialog.getByLabel('Type your username “erin” to confirm').fill('erin');
    await shot(p, 'settings-delete-account');
    await forever.click();
    await p.getByText('Your account was deleted.').waitFor();
    await p.getByRole('link', { name: 'Log in' }).first().waitFor();
    const gone = await fetch(`${base}/api/v1/users/erin`);
    assert(gone.status === 404, `the deleted user is gone (got ${gone.status})`);
  } finally {
    await ctx.close();
  }
});

// ---------------------------------------------------------------- runner
let passed = 0;
let failed = 0;
try {
  await waitForHealth();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      // playwright gives every launch a fresh temporary profile
    ],
  });
  ctxA = await newContext();
  page = await ctxA.newPage();
  for (const t of tests) {
    if (only && !t.name.includes(only) && !t.name.startsWith('seed')) continue;
    const started = Date.now();
    const errorsBefore = pageErrors.length;
    try {
      await t.fn();
      const newErrors = pageErrors.slice(errorsBefore);
      if (newErrors.length) throw new Error(`uncaught page errors:\n  ${newErrors.join('\n  ')}`);
      passed++;
      console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}\n     ${String(e instanceof Error ? (e.stack ?? e.message) : e).split('\n').join('\n     ')}`);
      const safe = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page?.screenshot({ path: join(shots, `FAIL-${safe}.png`), fullPage: true }).catch(() => {});
    }
  }
} catch (e) {
  failed++;
  console.log(`FAIL setup\n     ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await browser?.close().catch(() => {});
  await stopServer();
  if (failed) console.log(`--- server log (tail) ---\n${serverLogTail()}\n---`);
  log.end();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
