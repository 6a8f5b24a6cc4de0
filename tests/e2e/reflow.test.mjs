// reflow.test.mjs - WCAG 1.4.10 (Reflow): at a 320 px wide viewport no page scrolls sideways
// (document.documentElement.scrollWidth <= 320), in Chinese and in English. Every staff page a
// supervisor (who is also a handler) and an admin open, with a case taken in first so that the
// work list, the case page with its action forms and the receipt have content; and the main
// public pages, the progress page of that case included. The correction approval pages are also
// checked with axe (WCAG 2.1 A and AA).

import {
  startServer,
  launchBrowser,
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runTests,
  addAdmin,
  totp,
} from './lib.mjs';

const WIDTH = 320;
const SUPERVISOR = 'xinxing-supervisor';
const DEMO_PASSWORD = 'bianmin-demo-2026';
const ADMIN = 'e2e-reflow-admin';
const ADMIN_PASSWORD = 'quiet-harbour-lantern-58';
const LANGS = ['zh-TW', 'en'];

/* The page's width, and when it is too wide the elements that reach past the viewport (the
 * innermost few), so that a failure says what to fix. */
async function measure(page) {
  return page.evaluate((width) => {
    const scroll = document.documentElement.scrollWidth;
    const wide = [];
    if (scroll > width) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5)) {
          const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
            (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
          wide.push(`${name} (right ${Math.round(r.right)}px)`);
        }
      }
    }
    return { scroll, wide: wide.slice(0, 8) };
  }, WIDTH);
}

/* Opens path in lang and checks that it fits; collects problems instead of stopping. */
async function fits(page, base, pathname, lang, problems) {
  const url = base + pathname + (pathname.includes('?') ? '&' : '?') + 'lang=' + lang;
  const response = await page.goto(url);
  assert(response.status() < 400, `${pathname} (${lang}) answered ${response.status()}`);
  const { scroll, wide } = await measure(page);
  if (scroll > WIDTH) problems.push(`${pathname} [${lang}]: ${scroll}px wide; ${wide.join(', ')}`);
}

async function signIn(page, base, user, password) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
}

/* Takes a case in as the signed-in supervisor; returns its id and progress token. */
async function takeIn(page, base) {
  await page.goto(base + '/staff/intake?service=1&lang=zh-TW');
  await page.fill('#applicant_name', '黃大同');
  await page.fill('#applicant_phone', '0912345678');
  await Promise.all([page.waitForNavigation(), page.click('form[method=post][action="/staff/intake"] button[type=submit]')]);
  const url = new URL(page.url());
  const match = url.pathname.match(/^\/staff\/cases\/(\d+)\/receipt$/);
  assert(match, `intake lands on the receipt, not ${url}`);
  return { id: match[1], token: url.searchParams.get('t') };
}

async function newPage(ctx) {
  const context = await newContext(ctx.browser, WIDTH, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

let taken = null;

test('staff pages of a supervisor fit 320 px in both languages', async (ctx) => {
  const page = await newPage(ctx);
  const base = ctx.server.base;
  await signIn(page, base, SUPERVISOR, DEMO_PASSWORD);
  assertEqual(new URL(page.url()).pathname, '/staff/', 'signed in');
  taken = await takeIn(page, base);
  const pages = ['/staff/', '/staff/intake', '/staff/intake?service=1', '/staff/cases',
    '/staff/cases?scope=office', `/staff/cases/${taken.id}`, `/staff/cases/${taken.id}/receipt`,
    '/staff/delegations', '/staff/account/password', '/staff/account/totp',
    '/staff/cases?filter=awaiting', '/staff/reports/corrections'];
  const problems = [];
  for (const lang of LANGS) for (const p of pages) await fits(page, base, p, lang, problems);
  assert(problems.length === 0, `pages wider than ${WIDTH}px:\n  ${problems.join('\n  ')}`);
  await accessible(page, base, ['/staff/cases?filter=awaiting', '/staff/reports/corrections']);
});

/* The pages added with the correction approvals, through axe (WCAG 2.1 A and AA) in both
 * languages at the phone width. */
async function accessible(page, base, paths) {
  for (const lang of LANGS) {
    for (const p of paths) {
      await page.goto(`${base}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
      await checkA11y(page, `${p} (${lang}, ${WIDTH}px)`);
    }
  }
}

test('admin pages fit 320 px in both languages', async (ctx) => {
  const page = await newPage(ctx);
  const base = ctx.server.base;
  await signIn(page, base, ADMIN, ADMIN_PASSWORD);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.fill('#code', totp(secret));
  await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
  const pages = ['/staff/', '/staff/admin/users', '/staff/admin/users/new', '/staff/admin/audit',
    '/staff/admin/catalog', '/staff/admin/catalog/services', '/staff/admin/catalog/services/1',
    '/staff/admin/catalog/services/1/history', '/staff/admin/catalog/faq',
    '/staff/admin/catalog/announcements', '/staff/admin/outbox', '/staff/admin/outbox?status=queued',
    '/staff/admin/templates', '/staff/admin/templates/received/email/zh-TW',
    '/staff/admin/api-keys', '/staff/admin/corrections'];
  const problems = [];
  for (const lang of LANGS) for (const p of pages) await fits(page, base, p, lang, problems);
  assert(problems.length === 0, `pages wider than ${WIDTH}px:\n  ${problems.join('\n  ')}`);
  await accessible(page, base, ['/staff/admin/corrections']);
});

test('main public pages fit 320 px in both languages', async (ctx) => {
  const page = await newPage(ctx);
  const base = ctx.server.base;
  const pages = ['/', '/o/xinxing/', '/o/xinxing/services', '/o/xinxing/services/sale-transfer',
    '/o/xinxing/faq', '/o/xinxing/news', '/o/xinxing/progress', '/o/xinxing/search?q=%E7%99%BB%E8%A8%98',
    '/o/xinxing/apply', '/o/xinxing/tools', '/o/xinxing/tools/area', '/o/xinxing/tools/tax',
    '/o/xinxing/tools/fees', '/o/xinxing/parcels', '/staff/login'];
  if (taken && taken.token) pages.push(`/p/${taken.token}`);
  const problems = [];
  for (const lang of LANGS) for (const p of pages) await fits(page, base, p, lang, problems);
  assert(problems.length === 0, `pages wider than ${WIDTH}px:\n  ${problems.join('\n  ')}`);
});

runTests({
  before: async () => {
    const server = await startServer();
    try {
      await addAdmin(server, { office: 'xinxing', username: ADMIN, name: '版面管理員', password: ADMIN_PASSWORD });
      return { server, browser: await launchBrowser() };
    } catch (err) {
      await server.stop();
      throw err;
    }
  },
  after: async ({ server, browser }) => {
    if (browser) await browser.close();
    if (server) await server.stop();
  },
});
