// apikeys.test.mjs - an office admin issues an API key by keyboard, sees the secret once,
// revokes it; the page passes axe (WCAG 2.1 A/AA) at 320 and 1280 px, also with an error.

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

const USER = 'e2e-key-admin';
const PASSWORD = 'e2e-admin-password-2';

async function axeAt(page, label) {
  for (const width of [320, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await checkA11y(page, `${label} ${width}px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('an admin issues a key by keyboard, sees it once, revokes it; axe-clean', async (ctx) => {
  const context = await newContext(ctx.browser, 1280, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  const base = ctx.server.base;

  await signIn(page, base, USER, PASSWORD);

  await page.goto(base + '/staff/');
  const link = page.locator('a[href="/staff/admin/api-keys"]');
  assertEqual(await link.count(), 1, 'the staff home links to the API keys');
  await Promise.all([page.waitForNavigation(), link.click()]);
  await axeAt(page, 'api keys, none yet');

  // An empty name is refused with the field named.
  await Promise.all([page.waitForNavigation(), page.press('#name', 'Enter')]);
  assert((await page.locator('.govuk-error-summary').innerText()).includes('名稱'),
    'the summary names the field');
  await axeAt(page, 'api keys with an error');

  await page.focus('#name');
  await page.keyboard.type('市府 1999 App');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const key = await page.inputValue('#new-key');
  assert(/^bm_[A-Za-z0-9_-]{43}$/.test(key), `a key is shown: ${key}`);
  await axeAt(page, 'api key issued');

  await page.goto(base + '/staff/admin/api-keys');
  assertEqual(await page.locator('#new-key').count(), 0, 'the key is not shown again');
  assert(!(await page.content()).includes(key), 'nowhere on the page');
  assert((await page.locator('table').innerText()).includes('市府 1999 App'), 'listed by name');
  await Promise.all([page.waitForNavigation(), page.locator('tr.bm-apikey button').first().click()]);
  assert((await page.locator('table').innerText()).includes('已撤銷'), 'revoked');
  await axeAt(page, 'api keys after revoking');
});

runTests({
  before: async () => {
    const server = await startServer();
    await addAdmin(server, { office: 'kh-udd', username: USER, name: '金鑰管理員', password: PASSWORD });
    const browser = await launchBrowser();
    return { server, browser };
  },
  after: async ({ server, browser }) => {
    if (browser) await browser.close();
    if (server) await server.stop();
  },
});
