// catalog.test.mjs - the service catalogue in a real browser: a citizen searches for a service in
// Chinese from the office home page, opens it, downloads its form and switches to English; axe
// (WCAG 2.1 A/AA) on every public catalogue page at 320 and 1280 px; a keyboard-only walk through
// the service page reaches every link and button in document order.

import fs from 'node:fs';
import {
  startServer,
  launchBrowser,
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runTests,
  runWithServerAndBrowser,
} from './lib.mjs';

const OFFICE = '/o/xinxing';
const WIDTHS = [320, 1280];

async function open(ctx, width, path, extra = {}) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW', ...extra });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  const response = await page.goto(ctx.server.base + path);
  assert(response, `no response for ${path}`);
  assertEqual(response.status(), 200, `HTTP status of ${path}`);
  return page;
}

test('search in Chinese, open the service, download its form, switch to English', async (ctx) => {
  const page = await open(ctx, 1280, `${OFFICE}/`);
  await page.fill('main input[name="q"]', '買賣 過戶');
  await Promise.all([page.waitForURL(/\/search\?/), page.press('main input[name="q"]', 'Enter')]);
  const result = page.locator('main a', { hasText: '買賣移轉登記' }).first();
  assertEqual(await result.count(), 1, 'a search result for 買賣移轉登記');
  await Promise.all([page.waitForURL(/\/services\/sale-transfer$/), result.click()]);
  assertEqual((await page.locator('main h1').innerText()).trim(), '買賣移轉登記', 'service h1');

  const formLink = page.locator('main a', { hasText: '土地登記申請書（ODF 可編輯）' });
  const [download] = await Promise.all([page.waitForEvent('download'), formLink.click()]);
  assert(download.suggestedFilename().endsWith('.odt'), `downloaded ${download.suggestedFilename()}`);
  const file = await download.path();
  const head = fs.readFileSync(file).subarray(0, 38).toString('latin1');
  assert(head.startsWith('PK\u0003\u0004') && head.includes('mimetype'), 'the download is an ODF zip');

  const switchLink = page.locator('a[hreflang="en"]').first();
  await Promise.all([page.waitForURL(/lang=en/), switchLink.click()]);
  assertEqual(await page.evaluate(() => document.documentElement.lang), 'en', 'html lang');
  assertEqual(
    (await page.locator('main h1').innerText()).trim(),
    'Transfer of ownership by sale',
    'English h1',
  );
});

async function newsEntryPath(ctx) {
  const response = await fetch(`${ctx.server.base}${OFFICE}/news`, { headers: { Accept: 'application/json' } });
  const view = await response.json();
  return view.announcements[0].href;
}

const PAGES = [
  `${OFFICE}/`,
  `${OFFICE}/services`,
  `${OFFICE}/services?topic=survey`,
  `${OFFICE}/services/sale-transfer`,
  `${OFFICE}/services/boundary-survey`,
  `${OFFICE}/faq`,
  `${OFFICE}/faq?q=${encodeURIComponent('權狀 遺失')}`,
  `${OFFICE}/faq/1`,
  `${OFFICE}/faq/1?thanks=1`,
  `${OFFICE}/news`,
  `${OFFICE}/news/archive`,
  `${OFFICE}/search?q=${encodeURIComponent('買賣 過戶')}`,
  '/o/kh-udd/services/rent-subsidy',
  '/o/niaosong/services',
];

for (const width of WIDTHS) {
  for (const lang of ['zh-TW', 'en']) {
    test(`axe on every catalogue page, ${lang}, ${width}px`, async (ctx) => {
      const paths = [...PAGES, await newsEntryPath(ctx)];
      const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
      ctx.defer(() => context.close());
      const page = await context.newPage();
      ctx.screenshotOnFailure(page);
      for (const path of paths) {
        const url = `${ctx.server.base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
        const response = await page.goto(url);
        assertEqual(response.status(), 200, `HTTP status of ${path}`);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(scrollWidth <= width, `${path} at ${width}px scrolls sideways: ${scrollWidth}px`);
        await checkA11y(page, `${path} (${lang}, ${width}px)`);
      }
    });
  }
}

test('keyboard only: Tab reaches every link and button of the service page in order', async (ctx) => {
  const page = await open(ctx, 1280, `${OFFICE}/services/sale-transfer`);
  const expected = await page.evaluate(() => {
    const all = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]');
    return Array.from(all)
      .filter((el) => el.tabIndex >= 0 && !el.disabled)
      .filter((el) => {
        const style = getComputedStyle(el);
        return style.display !== 'none' && style.visibility !== 'hidden';
      })
      .map((el, i) => {
        el.dataset.kbOrder = String(i);
        return `${el.tagName} ${el.getAttribute('href') || el.textContent.trim()}`;
      });
  });
  assert(expected.length >= 8, `the service page has ${expected.length} focusable elements`);
  const reached = [];
  for (let i = 0; i < expected.length; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const rect = el.getBoundingClientRect();
      return {
        order: el.dataset.kbOrder,
        visible: rect.width > 0 && rect.height > 0,
      };
    });
    reached.push(info.order);
    assert(info.visible, `focus ${i} (${expected[i]}) is visible`);
  }
  assertEqual(
    reached.join(','),
    expected.map((_, i) => String(i)).join(','),
    'focus order follows the document order',
  );
});

await runWithServerAndBrowser();
