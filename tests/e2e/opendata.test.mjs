// opendata.test.mjs - an office's open data page (issue 20) as a citizen meets it: reached from
// the office home; it lists every dataset with its formats and dictionary links and the
// licence; a CSV link answers; the page passes axe (WCAG 2.1 A and AA)
// and does not scroll sideways at 320 px, in Chinese and in English.

import {
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runWithServerAndBrowser,
} from './lib.mjs';

const LANGS = ['zh-TW', 'en'];

async function newPage(ctx, width) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

test('reached from the office home; lists the datasets with their files', async (ctx) => {
  const base = ctx.server.base;
  const page = await newPage(ctx, 1280);
  await page.goto(base + '/o/xinxing/');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/o/xinxing/opendata"]')]);
  assertEqual(new URL(page.url()).pathname, '/o/xinxing/opendata', 'the open data page');
  assertEqual(await page.locator('a[href$="/case-statistics.ods"]').count(), 1, 'an ODS link');
  assertEqual(await page.locator('a[href$="/faq/dictionary.csv"]').count(), 1,
    'a dictionary link');
  assert(await page.locator('a[href="https://data.gov.tw/license"]').count() === 1,
    'the licence is linked');
  assertEqual(await page.locator('a[href$="/survey-results/dictionary.json"]').count(), 1,
    'the survey results have a dictionary');
  const csv = await page.request.get(base + '/o/xinxing/opendata/services.csv');
  assertEqual(csv.status(), 200, 'the services CSV answers');
});

test('the page passes axe and fits 320 px in both languages', async (ctx) => {
  const base = ctx.server.base;
  const page = await newPage(ctx, 320);
  for (const lang of LANGS) {
    await page.goto(`${base}/o/xinxing/opendata?lang=${lang}`);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(scroll <= 320, `/o/xinxing/opendata (${lang}) is ${scroll}px wide at 320px`);
    await checkA11y(page, `/o/xinxing/opendata (${lang}, 320px)`);
  }
});

runWithServerAndBrowser();
