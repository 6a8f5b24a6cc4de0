// crawl.test.mjs - every kind of page reached by following links, checked as a crawler would.
//
// The public site at a phone's width: from the home page and some offices' pages (land and
// district offices), same-origin page links are followed breadth first, each at most once and
// one page of each shape (the same office's route whatever the service or number, the same
// query names and language: the booking calendar's hundreds of days count once), up to
// MAX_PAGES. The walk reached 210 pages when this test was written. Then the staff console the
// same way, signed in as a supervisor, at a desktop's width (its downloads left out), and again
// as an office's admin (signed in with a one-time code: the admin pages).
//
// Each page must answer below 500, name its language and title, and pass axe-core's WCAG 2.1 A
// and AA rules. Files, feeds and the APIs are left to their own tests.

import {
  addAdmin,
  assert,
  assertEqual,
  checkA11y,
  newContext,
  runWithServerAndBrowser,
  signIn,
  test,
} from './lib.mjs';

const MAX_PAGES = Number(process.env.CRAWL_MAX_PAGES || 260);
const PHONE = 390;
const DESKTOP = 1280;
const DEMO_PASSWORD = 'bianmin-demo-2026';
const PUBLIC_SEEDS = ['/', '/?lang=en', '/o/xinxing/', '/o/hsinchu/', '/o/kh-udd/', '/o/anle/progress'];
// Not pages for these walks: files and images, downloads, feeds, machine answers, boards.
const NOT_PAGES = [
  /^\/static\//,
  /^\/api\//,
  /^\/open311\//,
  /\/files\//,
  /\/opendata\//,
  /\.(svg|png|pdf|odt|ods|xlsx|csv|json|xml|ics|txt|zip)$/,
  /\/events$/,
  /\/qr(\.svg)?$/,
  /\/export/,
  /\/download/,
  /\/board/,
];

/* A page's shape: its path with any service and number as one, its query's names but lang,
 * and its language (Chinese whether asked for or not). */
function shapeOf(path) {
  const url = new URL(path, 'http://x');
  const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'zh';
  url.searchParams.delete('lang');
  const names = [...new Set(url.searchParams.keys())].sort().join('&');
  const route = url.pathname.replace(/\/services\/[^/]+/, '/services/S').replace(/\d+/g, 'N');
  return `${route}?${names}#${lang}`;
}

/* The link as a path on this site within the walk (inside(path) says which paths), or null. */
function pageLink(base, from, href, inside) {
  let url;
  try {
    url = new URL(href, base + from);
  } catch {
    return null;
  }
  if (url.origin !== new URL(base).origin || !inside(url.pathname)) return null;
  if (NOT_PAGES.some((re) => re.test(url.pathname))) return null;
  return url.pathname + url.search;
}

/* Walks from seeds; returns {visited, failures}. forget: each page is asked for with no cookie
 * (a page's ?lang= sets the language cookie, which would turn every later page into that
 * language). */
async function walk(page, base, seeds, inside, forget) {
  const queue = [...seeds];
  const seen = new Set(queue);
  const shapes = new Set(queue.map(shapeOf));
  const failures = [];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_PAGES) {
    const path = queue.shift();
    visited++;
    if (process.env.CRAWL_VERBOSE) console.log(`  ${path}`);
    if (forget) await page.context().clearCookies();
    const response = await page.goto(base + path);
    const status = response ? response.status() : 0;
    if (status >= 500 || status === 0) {
      failures.push(`${path}: HTTP ${status}`);
      continue;
    }
    if ((response.headers()['content-type'] || '').split(';')[0] !== 'text/html') continue;
    if (!(await page.getAttribute('html', 'lang'))) failures.push(`${path}: no lang on <html>`);
    if (!(await page.title()).trim()) failures.push(`${path}: no <title>`);
    try {
      await checkA11y(page, path);
    } catch (err) {
      failures.push(err.message);
    }
    const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href')));
    for (const href of hrefs) {
      const next = pageLink(base, path, href, inside);
      if (!next || seen.has(next)) continue;
      seen.add(next);
      if (shapes.has(shapeOf(next))) continue;
      shapes.add(shapeOf(next));
      queue.push(next);
    }
  }
  console.log(`  ${visited} pages visited, ${queue.length} found but not visited`);
  return { visited, failures };
}

/* A page in a browser asking for Chinese, closed after the test (a page without ?lang= is then
 * the Chinese one and the language links lead to the English ones: one shape each). */
async function openPage(ctx, width) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  return page;
}

function assertWalk({ visited, failures }, least) {
  assert(visited >= least, `the walk reached only ${visited} pages`);
  assert(failures.length === 0, `${failures.length} problem(s) over ${visited} pages:\n${failures.join('\n')}`);
}

test('every public page reached by links answers, and passes axe at a phone width', async (ctx) => {
  const page = await openPage(ctx, PHONE);
  const outside = (p) => !p.startsWith('/staff');
  assertWalk(await walk(page, ctx.server.base, PUBLIC_SEEDS, outside, true), 40);
});

test('every staff page a supervisor reaches by links answers, and passes axe', async (ctx) => {
  const page = await openPage(ctx, DESKTOP);
  await signIn(page, ctx.server.base, 'xinxing-supervisor', DEMO_PASSWORD);
  assertEqual(new URL(page.url()).pathname, '/staff/', 'the supervisor is signed in');
  // Sign-out is a form (POST), so no link ends the session; checked after the walk.
  const inside = (p) => p.startsWith('/staff');
  const result = await walk(page, ctx.server.base, ['/staff/'], inside, false);
  assert(new URL(page.url()).pathname !== '/staff/login', 'still signed in after the walk');
  assertWalk(result, 20);
});

test('every staff page an admin reaches by links answers, and passes axe', async (ctx) => {
  const username = 'e2e-crawl-admin';
  const password = 'walk-every-admin-page-2026';
  await addAdmin(ctx.server, { office: 'xinxing', username, name: '巡檢管理員', password });
  const page = await openPage(ctx, DESKTOP);
  await signIn(page, ctx.server.base, username, password); // enrols a one-time code
  assertEqual(new URL(page.url()).pathname, '/staff/', 'the admin is signed in');
  const inside = (p) => p.startsWith('/staff');
  const result = await walk(page, ctx.server.base, ['/staff/'], inside, false);
  assert(new URL(page.url()).pathname !== '/staff/login', 'still signed in after the walk');
  assertWalk(result, 20);
});

await runWithServerAndBrowser();
