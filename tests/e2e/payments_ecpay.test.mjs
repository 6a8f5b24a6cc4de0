// payments_ecpay.test.mjs - a citizen pays a fee in a real browser through ECPay's protocol
// (綠界 AIO), against tests/support/fake_ecpay.py: the clerk takes a case in and sets the fee; the
// citizen opens the QR link, chooses card or Taiwan Pay on bianmin's page, bianmin's page posts
// the signed order to the gateway (the fake checks its CheckMacValue), the citizen pays there,
// the gateway notifies bianmin server to server, and the gateway's "back to the shop" link
// brings the citizen to a page that says paid, then to the receipt of payment; with ATM, the
// page shows the virtual account to transfer to. axe (WCAG 2.1
// A/AA) and no sideways scrolling on bianmin's pages at 320 px; the page that posts the order is
// checked with its auto-post script held back (the citizen then presses its button).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sourceDir, newContext, checkA11y, assert, assertEqual, test, runWithServerAndBrowser } from './lib.mjs';

const PASSWORD = 'bianmin-demo-2026';
const SERVICE = '地籍謄本核發';
const MERCHANT = '3002607'; // ECPay's public stage merchant and keys
const HASH_KEY = 'pwFHCqoQZGmho4w6';
const HASH_IV = 'EkRm7iFT261dpevs';

/* The fake gateway first: the server is configured with its address. */
const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bianmin-e2e-ecpay-'));
const portFile = path.join(work, 'port');
const fake = spawn('/usr/bin/python3', [path.join(sourceDir, 'tests/support/fake_ecpay.py'), portFile,
  MERCHANT, HASH_KEY, HASH_IV], { stdio: 'ignore' });
process.on('exit', () => fake.kill());
const deadline = Date.now() + 30000;
while (!fs.existsSync(portFile)) {
  if (Date.now() > deadline) throw new Error('the fake ECPay did not start');
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const gateway = `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}`;
Object.assign(process.env, { // startServer passes the environment on
  BIANMIN_PAYMENT_PROVIDER: 'ecpay',
  BIANMIN_PAYMENT_ECPAY_MERCHANT_ID: MERCHANT,
  BIANMIN_PAYMENT_ECPAY_HASH_KEY: HASH_KEY,
  BIANMIN_PAYMENT_ECPAY_HASH_IV: HASH_IV,
  BIANMIN_PAYMENT_ECPAY_URL: gateway,
});

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

/* The clerk takes a transcript case in and sets fee; its QR token. */
async function caseWithFee(ctx, fee) {
  const base = ctx.server.base;
  const page = await newPage(ctx, 1280);
  await page.goto(base + '/staff/login');
  await page.fill('#username', 'xinxing-clerk');
  await page.fill('#password', PASSWORD);
  await click(page, page.locator('main button[type=submit]'));
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
  await page.goto(`${base}/staff/cases/${match[1]}`);
  await page.fill('#fee_amount', fee);
  await click(page, page.locator('form[action$="/fee"] button[type=submit]'));
  return url.searchParams.get('t');
}

/* From the gateway's page: pay with method, follow "返回商店" back; checks the return page. */
async function payAtGateway(page, token, method, amount) {
  assert(page.url().startsWith(gateway + '/Cashier/AioCheckOut/V5'), `at the gateway: ${page.url()}`);
  assertEqual(await page.locator('#amount').innerText(), amount, 'the gateway shows the amount');
  await click(page, page.locator(`button[value=${method}]`));
  await click(page, page.locator('#back'));
  const url = new URL(page.url());
  assertEqual(url.pathname, `/p/${token}/pay/return`, 'back at bianmin');
  const status = await page.locator('.bm-payment-status').getAttribute('data-status');
  assertEqual(status, 'paid', 'the return page says paid (the notification came first)');
  return url.searchParams.get('order');
}

test('a citizen pays by card through the gateway and gets the receipt (320 px)', async (ctx) => {
  const base = ctx.server.base;
  const token = await caseWithFee(ctx, '40');
  const page = await newPage(ctx, 320);
  await page.route('**/payment-autopost*.js', (route) => route.abort()); // hold the auto-post back
  await page.goto(`${base}/p/${token}`);
  const fee = await page.locator('#fee').innerText();
  assert(fee.includes('NT$40') && fee.includes('台灣Pay'), `the fee and the methods: ${fee}`);
  await checkA11y(page, 'progress page with the methods, 320px');
  await noSidewaysScroll(page, 'progress page');

  await page.locator('label[for=method-card]').click();
  await click(page, page.locator('#fee button[type=submit]'));
  assertEqual(new URL(page.url()).pathname, `/p/${token}/pay/go`, "bianmin's page posting the order");
  assert((await page.locator('main').innerText()).includes('綠界'), 'it names the gateway');
  await checkA11y(page, 'the page posting the order, 320px');
  await noSidewaysScroll(page, 'the page posting the order');
  await click(page, page.locator('#gateway-form button[type=submit]'));

  const order = await payAtGateway(page, token, 'Credit', '40');
  await checkA11y(page, 'return page, 320px');
  await noSidewaysScroll(page, 'return page');
  await click(page, page.locator('main a.govuk-button'));
  assertEqual(new URL(page.url()).pathname, `/p/${token}/receipt`, 'the receipt of payment');
  const receipt = await page.locator('.bm-receipt').innerText();
  assert(receipt.includes('NT$40') && receipt.includes(order), `the receipt names the order: ${receipt}`);
  assert(receipt.includes('綠界'), 'and how it was paid');
  await checkA11y(page, 'receipt, 320px');
  await noSidewaysScroll(page, 'receipt');
});

test('a citizen pays with Taiwan Pay, the order posted at once (English, 1280 px)', async (ctx) => {
  const base = ctx.server.base;
  const token = await caseWithFee(ctx, '120');
  const page = await newPage(ctx, 1280, 'en');
  await page.goto(`${base}/p/${token}?lang=en`);
  assert((await page.locator('#fee').innerText()).includes('Taiwan Pay'), 'the methods in English');
  await page.locator('label[for=method-twqr]').click();
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(gateway)),
    page.locator('#fee button[type=submit]').click(),
  ]);
  await payAtGateway(page, token, 'TWQR', '120');
  await checkA11y(page, 'return page in English, 1280px');
  await page.goto(`${base}/p/${token}?lang=en`);
  const after = await page.locator('#fee').innerText();
  assert(after.includes('Receipt of payment'), `paid, with the receipt link: ${after}`);
  assertEqual(await page.locator('#fee button').count(), 0, 'no pay button once paid');
});

test('a citizen chooses ATM and is shown the virtual account (320 px)', async (ctx) => {
  const base = ctx.server.base;
  const token = await caseWithFee(ctx, '45');
  const page = await newPage(ctx, 320);
  await page.goto(`${base}/p/${token}`);
  await page.locator('label[for=method-atm]').click();
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(gateway)),
    page.locator('#fee button[type=submit]').click(),
  ]);
  await click(page, page.locator('button[value=ATM]'));
  const account = (await page.locator('#account').innerText()).trim();
  await click(page, page.locator('#back'));
  assertEqual(new URL(page.url()).pathname, `/p/${token}/pay/return`, 'back at bianmin');
  const status = await page.locator('.bm-payment-status').getAttribute('data-status');
  assertEqual(status, 'pending', 'not paid until the transfer arrives');
  const facts = await page.locator('#atm-account').innerText();
  assert(facts.includes(account) && facts.includes('812') && facts.includes('繳費期限'),
    `the return page shows where to transfer: ${facts}`);
  await checkA11y(page, 'return page with an ATM account, 320px');
  await noSidewaysScroll(page, 'return page with an ATM account');
});

await runWithServerAndBrowser();
