// fees.test.mjs - the fee schedule in a real browser (issue 17): a clerk takes a boundary survey
// (土地鑑界) in at the counter, computes the fee from the service's schedule (two parcels:
// 680 m² with 3 points and 150 m² with 6 points = 3,000 + 2,500 + 3 × 1,000 = NT$8,500), takes
// the case in and prints the receipt with its fee receipt (計費收據); a citizen gets the same
// amount from the public calculator's "by service" section. axe (WCAG 2.1 A/AA) on every page,
// at 320 and 1280 px, both languages on the calculator.

import { newContext, checkA11y, assert, assertEqual, test, runWithServerAndBrowser } from './lib.mjs';

const PASSWORD = 'bianmin-demo-2026';
const SERVICE = '土地鑑界';
const TOTAL = 'NT$8,500';

async function newPage(ctx, width, locale = 'zh-TW') {
  const context = await newContext(ctx.browser, width, { locale });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

async function noSidewaysScroll(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `no sideways scrolling on ${label} (${overflow}px too wide)`);
}

async function click(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response;
}

for (const width of [1280, 320]) {
  test(`counter intake with a computed fee and the fee receipt (${width}px)`, async (ctx) => {
    const base = ctx.server.base;
    const page = await newPage(ctx, width);
    await page.goto(base + '/staff/login');
    await page.fill('#username', 'xinxing-clerk');
    await page.fill('#password', PASSWORD);
    await click(page, page.locator('main button[type=submit]'));
    assertEqual(new URL(page.url()).pathname, '/staff/', 'signed in');

    await page.goto(base + '/staff/intake');
    const value = await page.$eval('#service', (s, name) => {
      const o = [...s.options].find((x) => x.text.includes(name));
      return o ? o.value : '';
    }, SERVICE);
    assert(value, `the intake offers ${SERVICE}`);
    await page.goto(`${base}/staff/intake?service=${value}`);
    await page.fill('#applicant_name', '陳大文');
    await page.fill('#applicant_phone', '0912345678');
    await page.fill('#fee_area_m2', '680 150');
    await page.fill('#fee_points', '3、6');
    const response = await click(page, page.locator('input[name=fee_preview]'));
    assertEqual(response.status(), 200, 'the preview is the form again');
    const working = await page.locator('#fee-working').innerText();
    assert(working.includes(TOTAL), `the working shows the total: ${working}`);
    assert(working.includes('鑑界基本費'), 'the working names its items');
    assertEqual(await page.inputValue('#fee_area_m2'), '680 150', 'the answers stay typed');
    await checkA11y(page, `intake with the fee working, ${width}px`);
    await noSidewaysScroll(page, 'intake with the fee working');

    const documents = page.locator('.govuk-checkboxes__input');
    for (let i = 0; i < (await documents.count()); i++) await documents.nth(i).check();
    await click(page, page.locator('form[action="/staff/intake"] button[type=submit]').last());
    const url = new URL(page.url());
    assert(/^\/staff\/cases\/[0-9]+\/receipt$/.test(url.pathname), `on the receipt: ${url.pathname}`);
    const receipt = await page.locator('#fee-receipt').innerText();
    assert(receipt.includes('計費收據'), `the fee receipt is titled: ${receipt}`);
    assert(receipt.includes(TOTAL), `the fee receipt has the total: ${receipt}`);
    assert(receipt.includes('附表一'), 'each line names its legal basis');
    await checkA11y(page, `receipt with the fee receipt, ${width}px`);
    await noSidewaysScroll(page, 'receipt with the fee receipt');
  });
}

for (const [width, locale, lang, label] of [[320, 'zh-TW', 'zh-TW', '鑑界基本費'], [1280, 'en', 'en', 'Boundary survey base fee']]) {
  test(`the calculator by service gives the same amount (${width}px, ${lang})`, async (ctx) => {
    const base = ctx.server.base;
    const page = await newPage(ctx, width, locale);
    await page.goto(`${base}/o/xinxing/tools/fees?lang=${lang}`);
    await page.selectOption('#service', 'boundary-survey');
    await click(page, page.locator('#by-service form button[type=submit]').first());
    await page.fill('#fee_area_m2', '680 150');
    await page.fill('#fee_points', '3 6');
    await click(page, page.locator('#by-service form button[type=submit]').last());
    const result = await page.locator('#schedule-result').innerText();
    assert(result.includes(TOTAL), `the calculator's total: ${result}`);
    assert(result.includes(label), `the working in the page's language: ${result}`);
    await checkA11y(page, `fee calculator by service, ${width}px ${lang}`);
    await noSidewaysScroll(page, 'fee calculator by service');
  });
}

await runWithServerAndBrowser();
