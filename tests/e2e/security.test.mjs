// security.test.mjs - the browser side of issue 21's cheap items (sec4): the "show password"
// button on the sign-in and password pages (ASVS 2.1.12: a button with aria-pressed that the
// script adds; without script there is none and the field still works), the account page
// with "Your sessions" and the privacy notice - each clean under axe-core and 320 px wide in
// both languages.

import {
  startServer,
  launchBrowser,
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runTests,
} from './lib.mjs';

const CLERK = 'xinxing-clerk';
const DEMO_PASSWORD = 'bianmin-demo-2026';
const LANGS = ['zh-TW', 'en'];

async function newPage(ctx, width = 1280, extra = {}) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW', ...extra });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

async function fitsNarrow(page, label) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(scroll <= 320, `${label}: ${scroll}px wide at 320px`);
}

test('the show-password button reveals and hides the typed password', async (ctx) => {
  const page = await newPage(ctx);
  await page.goto(ctx.server.base + '/staff/login?lang=en');
  const button = page.locator('button[aria-controls="password"]');
  assert(await button.isVisible(), 'the script adds the button');
  assertEqual(await button.getAttribute('aria-pressed'), 'false', 'not pressed at first');
  await page.fill('#password', 'typed-secret');
  await button.click();
  assertEqual(await page.getAttribute('#password', 'type'), 'text', 'shown after a press');
  assertEqual(await button.getAttribute('aria-pressed'), 'true', 'pressed after a press');
  await button.click();
  assertEqual(await page.getAttribute('#password', 'type'), 'password', 'hidden again');
  assertEqual(await button.getAttribute('aria-pressed'), 'false', 'not pressed again');
  await checkA11y(page, '/staff/login (en)');
  /* shown when the form is sent: hidden again first, and the sign-in works */
  await page.fill('#username', CLERK);
  await page.fill('#password', DEMO_PASSWORD);
  await button.click();
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  assert(new URL(page.url()).pathname.startsWith('/staff/'), `signed in, at ${page.url()}`);
  await page.goto(ctx.server.base + '/staff/account/password?lang=zh-TW');
  for (const id of ['current', 'password', 'confirm']) {
    const b = page.locator(`button[aria-controls="${id}"]`);
    assert(await b.isVisible(), `a button for #${id}`);
    await b.click();
    assertEqual(await page.getAttribute('#' + id, 'type'), 'text', `#${id} shown`);
  }
  await checkA11y(page, '/staff/account/password (zh-TW, buttons pressed)');
});

test('without script there is no button and signing in works', async (ctx) => {
  const page = await newPage(ctx, 1280, { javaScriptEnabled: false });
  await page.goto(ctx.server.base + '/staff/login');
  assertEqual(await page.locator('button[aria-controls="password"]').count(), 0, 'buttons without script');
  assertEqual(await page.getAttribute('#password', 'type'), 'password', 'a plain password field');
  await page.fill('#username', CLERK);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  assert(new URL(page.url()).pathname.startsWith('/staff/'), `signed in, at ${page.url()}`);
});

test('the account page and the privacy notice: axe-clean and 320 px wide', async (ctx) => {
  const page = await newPage(ctx, 320);
  await page.goto(ctx.server.base + '/staff/login');
  await page.fill('#username', CLERK);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  for (const lang of LANGS) {
    for (const p of ['/staff/account', '/staff/login', '/o/xinxing/privacy', '/privacy']) {
      const response = await page.goto(`${ctx.server.base}${p}?lang=${lang}`);
      assert(response.status() < 400, `${p} (${lang}) answered ${response.status()}`);
      await fitsNarrow(page, `${p} (${lang})`);
      await checkA11y(page, `${p} (${lang}, 320px)`);
    }
  }
  await page.goto(ctx.server.base + '/staff/account?lang=en');
  assert(await page.locator('#this-session').isVisible(), 'this session is marked');
});

runTests({
  before: async () => {
    const server = await startServer();
    try {
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
