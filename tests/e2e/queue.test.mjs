// queue.test.mjs - counter queues in a browser (issue 18): a ticket taken at the kiosk (touch
// only: links and buttons), followed on a phone-sized page, called on the TV board - live,
// through Server-Sent Events - while a clerk presses "call next" in the console; the phone page
// then shows the counter. axe-core (WCAG 2.1 A/AA) on the kiosk, ready, ticket, phone and
// board pages, and 320 px reflow of the kiosk, phone, board and progress-board pages in both
// languages. The queue setup page (/staff/admin/queues) passes axe and fits 320 px, also with a
// refused form.

import {
  launchBrowser,
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runTests,
  startServer,
  addAdmin,
  totp,
} from './lib.mjs';

const OFFICE = 'xinxing';
const CLERK = 'xinxing-clerk';
const DEMO_PASSWORD = 'bianmin-demo-2026';
const LIVE_TIMEOUT_MS = 30000; /* generous: a loaded machine; the feed polls every 500 ms */

async function signIn(page, base, user, password) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

async function width(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test('kiosk ticket, followed on a phone, called on the board while a clerk calls next', async (ctx) => {
  const base = ctx.server.base;
  const kioskContext = await newContext(ctx.browser, 1280, { locale: 'zh-TW', hasTouch: true });
  ctx.defer(() => kioskContext.close());
  const kiosk = await kioskContext.newPage();
  ctx.screenshotOnFailure(kiosk);
  await kiosk.goto(`${base}/o/${OFFICE}/queue/kiosk`);
  await checkA11y(kiosk, 'kiosk');
  await kiosk.locator('.bm-queue__choice').first().tap();
  await kiosk.waitForSelector('.bm-queue__take');
  await checkA11y(kiosk, 'kiosk readiness check');
  await Promise.all([kiosk.waitForNavigation(), kiosk.locator('.bm-queue__take').tap()]);
  assert(/\/q\/[A-Za-z0-9_-]{43}\?kiosk=1$/.test(kiosk.url()), `ticket page: ${kiosk.url()}`);
  await checkA11y(kiosk, 'kiosk ticket');
  const code = (await kiosk.locator('.bm-ticket__number').textContent()).match(/[A-Z][0-9]{3,}/)[0];
  assert(await kiosk.locator('[data-print]').isVisible(), 'the kiosk offers to print the ticket');
  const token = new URL(kiosk.url()).pathname.split('/')[2];

  const phoneContext = await newContext(ctx.browser, 320, { locale: 'zh-TW', isMobile: true });
  ctx.defer(() => phoneContext.close());
  const phone = await phoneContext.newPage();
  ctx.screenshotOnFailure(phone);
  await phone.goto(`${base}/q/${token}`);
  assert((await phone.locator('.bm-ticket__number').textContent()).includes(code), 'the phone shows the number');
  assert(await phone.locator('.bm-ticket__wait').isVisible(), 'the phone shows a waiting range');
  await checkA11y(phone, 'phone ticket');
  assert((await width(phone)) <= 320, 'the phone page fits 320 px');

  const boardContext = await newContext(ctx.browser, 1280, { locale: 'zh-TW' });
  ctx.defer(() => boardContext.close());
  const board = await boardContext.newPage();
  ctx.screenshotOnFailure(board);
  await board.goto(`${base}/o/${OFFICE}/queue/board`);
  await checkA11y(board, 'board');

  const clerkContext = await newContext(ctx.browser, 1280, { locale: 'zh-TW' });
  ctx.defer(() => clerkContext.close());
  const clerk = await clerkContext.newPage();
  ctx.screenshotOnFailure(clerk);
  await signIn(clerk, base, CLERK, DEMO_PASSWORD);
  await clerk.goto(`${base}/staff/queue`);
  await Promise.all([clerk.waitForNavigation(), clerk.locator('table a').first().click()]);
  await Promise.all([
    clerk.waitForNavigation(),
    clerk.locator('form[action="/staff/queue/counter"] input[value="open"] ~ button').click(),
  ]);
  await Promise.all([clerk.waitForNavigation(), clerk.locator('[data-call-next]').click()]);
  assertEqual((await clerk.locator('[data-current]').textContent()).trim(), code, 'the console calls the ticket');

  /* The board shows it without reloading (the event stream). */
  await board.waitForSelector(`[data-calls] .bm-board__code:text-is("${code}")`, { timeout: LIVE_TIMEOUT_MS });
  /* Recalled, it moves to the top of the board and is listed once. */
  const firstCall = await board.locator('[data-calls] tr').first().getAttribute('data-call');
  await Promise.all([
    clerk.waitForNavigation(),
    clerk.locator('input[name="action"][value="recall"] ~ button').click(),
  ]);
  await board.waitForFunction((before) => {
    const top = document.querySelector('[data-calls] tr');
    return top && top.getAttribute('data-call') !== before;
  }, firstCall, { timeout: LIVE_TIMEOUT_MS });
  const rows = await board.locator(`[data-calls] .bm-board__code:text-is("${code}")`).count();
  assertEqual(rows, 1, 'a recalled ticket is listed once on the board');
  await phone.reload();
  const status = await phone.locator('.bm-ticket__status').textContent();
  assert(status.includes('已叫號') && status.includes('1'), `the phone shows the call: ${status}`);
});

test('the queue pages fit 320 px in both languages', async (ctx) => {
  const context = await newContext(ctx.browser, 320, { isMobile: true });
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  const problems = [];
  for (const lang of ['zh-TW', 'en']) {
    for (const path of ['/queue', '/queue/kiosk', '/queue?service=1', '/queue/board', '/queue/progress-board']) {
      const response = await page.goto(`${ctx.server.base}/o/${OFFICE}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      assert(response.status() < 400, `${path} answered ${response.status()}`);
      const w = await width(page);
      if (w > 320) problems.push(`${path} [${lang}]: ${w}px`);
    }
    await page.goto(`${ctx.server.base}/o/${OFFICE}/queue/board?lang=${lang}`);
    await checkA11y(page, `board at 320 px (${lang})`);
  }
  assertEqual(problems.join('; '), '', 'pages wider than 320 px');
});

test('the counter console and the figures fit 320 px and pass axe', async (ctx) => {
  const base = ctx.server.base;
  const context = await newContext(ctx.browser, 320, { isMobile: true, locale: 'zh-TW' });
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  /* A waiting ticket, so that the console has one to call. */
  await page.goto(`${base}/o/${OFFICE}/queue`);
  await page.locator('.bm-queue__choice').first().click();
  await Promise.all([page.waitForNavigation(), page.locator('.bm-queue__take').click()]);
  await signIn(page, base, 'xinxing-supervisor', DEMO_PASSWORD);
  await page.goto(`${base}/staff/queue`);
  await Promise.all([page.waitForNavigation(), page.locator('table a').nth(1).click()]);
  await Promise.all([
    page.waitForNavigation(),
    page.locator('form[action="/staff/queue/counter"] input[value="open"] ~ button').click(),
  ]);
  await Promise.all([page.waitForNavigation(), page.locator('[data-call-next]').click()]);
  assert(await page.locator('[data-current]').isVisible(), 'the console shows the called ticket');
  const problems = [];
  for (const lang of ['zh-TW', 'en']) {
    for (const path of [new URL(page.url()).pathname + new URL(page.url()).search, '/staff/queue/figures']) {
      await page.goto(`${base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      const w = await width(page);
      if (w > 320) problems.push(`${path} [${lang}]: ${w}px`);
      await checkA11y(page, `${path} (${lang})`);
    }
  }
  assertEqual(problems.join('; '), '', 'staff pages wider than 320 px');
});

const ADMIN = 'e2e-queue-admin';
const ADMIN_PASSWORD = 'copper-lantern-harbor-41';

test('the queue setup page fits 320 px and passes axe, also with a refused form (admin)', async (ctx) => {
  const base = ctx.server.base;
  const context = await newContext(ctx.browser, 320, { locale: 'zh-TW' });
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  await signIn(page, base, ADMIN, ADMIN_PASSWORD);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.fill('#code', totp(secret));
  await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
  const problems = [];
  for (const lang of ['zh-TW', 'en']) {
    assertEqual((await page.goto(`${base}/staff/admin/queues?lang=${lang}`)).status(), 200, `setup (${lang})`);
    if ((await width(page)) > 320) problems.push(`setup [${lang}]: ${await width(page)}px`);
    await checkA11y(page, `queue setup (${lang})`);
  }
  /* a new queue without a letter: refused, the fault named at the field */
  await page.goto(`${base}/staff/admin/queues?lang=zh-TW`);
  await page.fill('#queue-new-name_zh', '測試');
  const [refused] = await Promise.all([
    page.waitForNavigation(),
    page.locator('#queue-new-title ~ button, form:has(#queue-new-code) button[type=submit]').first().click(),
  ]);
  assertEqual(refused.status(), 400, 'a queue without a letter is refused');
  assert((await page.locator('.govuk-error-summary a[href="#queue-new-code"]').count()) === 1, 'the error names the letter');
  if ((await width(page)) > 320) problems.push(`refusal: ${await width(page)}px`);
  await checkA11y(page, 'queue setup refusal');
  assertEqual(problems.join('; '), '', 'pages wider than 320 px');
});

runTests({
  before: async () => {
    const server = await startServer();
    try {
      await addAdmin(server, { office: OFFICE, username: ADMIN, name: '叫號管理員', password: ADMIN_PASSWORD });
      return { server, browser: await launchBrowser() };
    } catch (err) {
      await server.stop();
      throw err;
    }
  },
  after: async (ctx) => {
    if (ctx.browser) await ctx.browser.close();
    if (ctx.server) await ctx.server.stop();
  },
});
