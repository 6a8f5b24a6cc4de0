// catalog_admin.test.mjs - an office admin (second factor set up on first sign-in) edits a
// service's title by keyboard and sees it on the public page; the catalogue admin pages pass axe
// (WCAG 2.1 A/AA) at phone (320 px) and desktop (1280 px) width.

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
  signIn,
} from './lib.mjs';

const USER = 'e2e-cat-admin';
const PASSWORD = 'e2e-admin-password-1';
const NEW_TITLE = '買賣移轉登記（鍵盤測試）';

/* Tabs until the element with id has focus. */
async function tabTo(page, id) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (focused === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

async function axeAt(page, label) {
  for (const width of [320, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await checkA11y(page, `${label} ${width}px`);
  }
}

test('an admin edits a service title by keyboard; admin pages pass axe at 320 and 1280', async (ctx) => {
  const context = await newContext(ctx.browser, 1280, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  const base = ctx.server.base;

  await signIn(page, base, USER, PASSWORD);

  await page.goto(base + '/staff/');
  const link = page.locator('a[href="/staff/admin/catalog"]');
  assertEqual(await link.count(), 1, 'the staff home links to the catalogue');
  await Promise.all([page.waitForNavigation(), link.click()]);
  await axeAt(page, 'catalogue overview');

  await page.goto(base + '/staff/admin/catalog/services');
  await axeAt(page, 'service list');
  const edit = page.locator('tr', { hasText: 'sale-transfer' }).locator('a').first();
  await Promise.all([page.waitForNavigation(), edit.click()]);
  const editUrl = page.url();
  await axeAt(page, 'service form');
  assertEqual(await page.getAttribute('#name_en', 'lang'), 'en', 'English inputs carry lang="en"');

  // By keyboard: Tab to the Chinese name, replace it, submit with Enter.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await tabTo(page, 'name_zh');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(NEW_TITLE);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert(page.url().startsWith(editUrl) && page.url().includes('saved=1'), `saved: ${page.url()}`);
  assert((await page.locator('.govuk-notification-banner').innerText()).includes('已儲存'),
    'a saved notice');

  // An empty title is refused with the field named, and the error summary links to it.
  await page.fill('#name_zh', '');
  await Promise.all([page.waitForNavigation(), page.press('#name_zh', 'Enter')]);
  const summary = page.locator('.govuk-error-summary');
  assert((await summary.innerText()).includes('服務名稱（中文）'), 'the summary names the field');
  await axeAt(page, 'service form with errors');

  const pub = await page.goto(base + '/o/xinxing/services/sale-transfer');
  assertEqual(pub.status(), 200, 'public page');
  assert((await page.locator('h1').innerText()).includes(NEW_TITLE), 'the public page shows the new title');

  await page.goto(editUrl + '/history');
  assert((await page.locator('table').innerText()).includes('端對端管理員'), 'the history names the admin');
  await axeAt(page, 'revision history');

  // The SMS template editor counts as you type (static/js/sms-counter.js, no inline script).
  await page.goto(base + '/staff/admin/templates/received/sms/zh-TW');
  const live = page.locator('#sms-live');
  assert(await live.isVisible(), 'the live counter is shown when scripts run');
  await page.fill('#body', '一'.repeat(71));
  assert((await live.innerText()).includes('71'), `71 characters counted: ${await live.innerText()}`);
  assert((await live.innerText()).includes((await live.getAttribute('data-parts')) + ' 2'),
    'two parts past 70 UCS-2 characters');
  await page.fill('#body', 'a'.repeat(150));
  assert((await live.innerText()).startsWith((await live.getAttribute('data-chars')) + ' 150'),
    'plain ASCII counted too');
  await axeAt(page, 'SMS template editor');
});

runTests({
  before: async () => {
    const server = await startServer();
    await addAdmin(server, { office: 'xinxing', username: USER, name: '端對端管理員', password: PASSWORD });
    const browser = await launchBrowser();
    return { server, browser };
  },
  after: async ({ server, browser }) => {
    if (browser) await browser.close();
    if (server) await server.stop();
  },
});
