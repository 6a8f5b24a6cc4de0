// payments.test.mjs - paying a fee online in a real browser, through the sandbox gateway: the
// clerk takes a transcript (地籍謄本) case in at the counter and sets the fee due on the case
// page; a citizen opens the case's QR link, presses 線上繳費, is sent to the sandbox (labelled
// "no real money" in both languages), pays, comes back to a page that says paid, and opens the
// printable receipt of payment (office, number, amount, date, order number, provider's
// reference; only the receipt on paper). axe (WCAG 2.1 A/AA) on every page, at 320 and 1280 px;
// screenshots of each step are kept in $BIANMIN_BINARY_DIR/e2e-artifacts/payments-*.png.

import fs from 'node:fs';
import path from 'node:path';

import { binaryDir, newContext, checkA11y, assert, assertEqual, test, runWithServerAndBrowser } from './lib.mjs';

process.env.BIANMIN_PAYMENT_PROVIDER = 'sandbox'; // startServer passes the environment on

const PASSWORD = 'bianmin-demo-2026';
const SERVICE = '地籍謄本核發';
const FEE = '40'; // NT$20 a copy, two copies
const WIDTHS = [320, 1280];
const shots = path.join(binaryDir, 'e2e-artifacts');

const journey = {}; // caseId, token, number, orderNo

function need(...keys) {
  for (const k of keys) {
    if (journey[k] === undefined) throw new Error(`an earlier step did not provide ${k}`);
  }
}

async function newPage(ctx, width, locale = 'zh-TW') {
  const context = await newContext(ctx.browser, width, { locale });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

async function shot(page, name) {
  await fs.promises.mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `payments-${name}.png`), fullPage: true });
}

async function noSidewaysScroll(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `no sideways scrolling on ${label} (${overflow}px too wide)`);
}

async function click(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response;
}

test('the clerk takes a transcript case in and sets the fee due', async (ctx) => {
  const base = ctx.server.base;
  const page = await newPage(ctx, 1280);
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
  await page.fill('#applicant_name', '林美華');
  await page.fill('#applicant_phone', '0912345678');
  const documents = page.locator('.govuk-checkboxes__input');
  for (let i = 0; i < (await documents.count()); i++) await documents.nth(i).check();
  await click(page, page.locator('form[action="/staff/intake"] button[type=submit]').last());
  const url = new URL(page.url());
  const match = url.pathname.match(/^\/staff\/cases\/([0-9]+)\/receipt$/);
  assert(match, `on the counter receipt: ${url.pathname}`);
  journey.caseId = match[1];
  journey.token = url.searchParams.get('t');

  await page.goto(`${base}/staff/cases/${journey.caseId}`);
  journey.number = (await page.locator('main h1').innerText()).trim();
  await page.fill('#fee_amount', FEE);
  const response = await click(page, page.locator('form[action$="/fee"] button[type=submit]'));
  assertEqual(response.status(), 200, 'back on the case page');
  const fee = await page.locator('#fee').locator('xpath=following-sibling::dl[1]').innerText();
  assert(fee.includes('NT$40'), `the case page shows the fee due: ${fee}`);
  const timeline = await page.locator('.bm-timeline').innerText();
  assert(timeline.includes('應繳規費') && timeline.includes('NT$40'), 'the timeline records it');
  await checkA11y(page, 'case page with a fee');
  await shot(page, 'staff-case-1280');
});

test('a citizen pays in the sandbox and gets the receipt', async (ctx) => {
  need('token', 'number');
  const base = ctx.server.base;
  const page = await newPage(ctx, 320);
  let response = await page.goto(`${base}/p/${journey.token}`);
  assertEqual(response.status(), 200, 'the QR link');
  const fee = await page.locator('#fee').innerText();
  assert(fee.includes('應繳規費') && fee.includes('NT$40'), `fee due on the progress page: ${fee}`);
  await checkA11y(page, 'progress page with a fee due, 320px');
  await noSidewaysScroll(page, 'progress page');
  await shot(page, 'progress-due-320');

  response = await click(page, page.locator('#fee button[type=submit]'));
  assertEqual(new URL(page.url()).pathname, '/sandbox/pay', 'sent to the sandbox gateway');
  const banner = await page.locator('.bm-sandbox').innerText();
  assert(banner.includes('SANDBOX — no real money'), 'labelled in English');
  assert(banner.includes('不會收取真實款項'), 'labelled in Chinese');
  const order = await page.locator('main .bm-facts').innerText();
  assert(order.includes('NT$40'), 'the sandbox shows the amount');
  await checkA11y(page, 'sandbox page, 320px');
  await noSidewaysScroll(page, 'sandbox page');
  await shot(page, 'sandbox-320');

  response = await click(page, page.locator('button[value=pay]'));
  assertEqual(response.status(), 200, 'the return page');
  assertEqual(new URL(page.url()).pathname, `/p/${journey.token}/pay/return`, 'back at bianmin');
  const status = await page.locator('.bm-payment-status').getAttribute('data-status');
  assertEqual(status, 'paid', 'the return page says paid');
  assert((await page.locator('main').innerText()).includes('繳費完成'), 'in plain words');
  journey.orderNo = new URL(page.url()).searchParams.get('order');
  await checkA11y(page, 'return page, 320px');
  await noSidewaysScroll(page, 'return page');
  await shot(page, 'return-paid-320');

  response = await click(page, page.locator('main a.govuk-button'));
  assertEqual(new URL(page.url()).pathname, `/p/${journey.token}/receipt`, 'the receipt of payment');
  const receipt = await page.locator('.bm-receipt').innerText();
  for (const part of ['高雄市政府地政局新興地政事務所', journey.number, 'NT$40', journey.orderNo, 'SBX']) {
    assert(receipt.includes(part), `the receipt shows ${part}`);
  }
  assert(/\d{1,2}:\d{2}/.test(receipt), 'with the time of payment');
  await checkA11y(page, 'receipt, 320px');
  await noSidewaysScroll(page, 'receipt');
  await shot(page, 'receipt-320');
  await page.emulateMedia({ media: 'print' });
  assert(await page.locator('.bm-receipt').isVisible(), 'the receipt prints');
  assertEqual(await page.locator('.bm-noprint').first().isVisible(), false, 'no back link on paper');
  assertEqual(await page.locator('header').first().isVisible(), false, 'no site header on paper');
  await shot(page, 'receipt-print');
  await page.emulateMedia({ media: 'screen' });

  await page.goto(`${base}/p/${journey.token}`);
  const after = await page.locator('#fee').innerText();
  assert(after.includes('NT$40') && after.includes('繳費收據'), `paid, with the receipt link: ${after}`);
  assertEqual(await page.locator('#fee button').count(), 0, 'no pay button once paid');
});

test('the paid case at 1280 px and in English', async (ctx) => {
  need('token', 'orderNo');
  const base = ctx.server.base;
  const page = await newPage(ctx, WIDTHS[1], 'en');
  await page.goto(`${base}/p/${journey.token}?lang=en`);
  const fee = await page.locator('#fee').innerText();
  assert(fee.includes('Receipt of payment'), `the English progress page: ${fee}`);
  await checkA11y(page, 'progress page paid, 1280px');
  await shot(page, 'progress-paid-1280');
  await page.goto(`${base}/p/${journey.token}/receipt`);
  const receipt = await page.locator('.bm-receipt').innerText();
  assert(receipt.includes('Receipt of payment') && receipt.includes(journey.orderNo), 'the English receipt');
  assert(receipt.includes('Sandbox'), 'names how it was paid');
  await checkA11y(page, 'receipt, 1280px');
  await shot(page, 'receipt-1280');
  await page.goto(`${base}/p/${journey.token}/pay/return?order=${journey.orderNo}`);
  await checkA11y(page, 'return page, 1280px');
  const view = await page.request.get(`${base}/p/${journey.token}/receipt`, { headers: { Accept: 'application/json' } });
  assertEqual(view.status(), 200, 'the receipt as JSON');
  const json = await view.json();
  assertEqual(json.payments[0].order_no, journey.orderNo, 'JSON names the order');
  assertEqual(json.payments[0].status, 'paid', 'JSON says paid');
});

await runWithServerAndBrowser();
