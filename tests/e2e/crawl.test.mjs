// crawl.test.mjs - every kind of public page a citizen can reach by following links, at a
// phone's width: starting from the home page and some offices' pages (land and district
// offices), same-origin page links are followed breadth first (each at most once, and one page
// of each shape: the same office's route whatever the service or number, the same query names
// and language, so the booking calendar's hundreds of days count once), up to MAX_PAGES; each
// page must answer below 500, name its language and title, and pass axe-core's WCAG 2.1 A and
// AA rules. (The walk reached 148 pages when this test was written, well under the limit.) Staff pages, files, feeds and the APIs are left to their
// own tests.

import { assert, checkA11y, newContext, runWithServerAndBrowser, test } from './lib.mjs';

const MAX_PAGES = Number(process.env.CRAWL_MAX_PAGES || 200); // breadth first: every office's first pages
const PER_SHAPE = 1;
const PHONE = 390;
const SEEDS = ['/', '/?lang=en', '/o/xinxing/', '/o/hsinchu/', '/o/kh-udd/', '/o/anle/progress'];
// Not pages for this walk: staff pages, files and images, feeds, machine answers, sign-out.
const SKIP = [
  /^\/staff(\/|$)/,
  /^\/static\//,
  /^\/api\//,
  /^\/open311\//,
  /\/files\//,
  /\/opendata\//,
  /\.(svg|png|pdf|odt|ods|csv|json|xml|ics|txt)(\?|$)/,
  /\/events(\?|$)/,
  /\/qr(\.svg)?(\?|$)/,
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

function pageLink(base, href) {
  let url;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  if (url.origin !== new URL(base).origin) return null;
  if (SKIP.some((re) => re.test(url.pathname))) return null;
  url.hash = '';
  return url.pathname + url.search;
}

test('every public page reached by links answers, and passes axe at a phone width', async ({
  server,
  browser,
  screenshotOnFailure,
}) => {
  const context = await newContext(browser, PHONE);
  const page = await context.newPage();
  screenshotOnFailure(page);
  const queue = [...SEEDS];
  const seen = new Set(queue);
  const shapes = new Map();
  const failures = [];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_PAGES) {
    const path = queue.shift();
    visited++;
    const response = await page.goto(server.base + path);
    const status = response ? response.status() : 0;
    if (status >= 500 || status === 0) {
      failures.push(`${path}: HTTP ${status}`);
      continue;
    }
    const type = (response.headers()['content-type'] || '').split(';')[0];
    if (type !== 'text/html') continue;
    const lang = await page.getAttribute('html', 'lang');
    const title = await page.title();
    if (!lang) failures.push(`${path}: no lang on <html>`);
    if (!title.trim()) failures.push(`${path}: no <title>`);
    try {
      await checkA11y(page, path);
    } catch (err) {
      failures.push(err.message);
    }
    const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href')));
    for (const href of hrefs) {
      const next = pageLink(server.base + path, href);
      if (!next || seen.has(next)) continue;
      seen.add(next);
      const shape = shapeOf(next);
      const count = shapes.get(shape) || 0;
      if (count < PER_SHAPE) {
        shapes.set(shape, count + 1);
        queue.push(next);
      }
    }
  }
  await context.close();
  console.log(`  ${visited} pages visited, ${queue.length} more found but not visited`);
  assert(visited >= 40, `the walk reached only ${visited} pages`);
  assert(failures.length === 0, `${failures.length} problem(s) over ${visited} pages:\n${failures.join('\n')}`);
});

await runWithServerAndBrowser();
