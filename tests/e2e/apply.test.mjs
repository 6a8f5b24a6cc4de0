// apply.test.mjs - an online application in a real browser: a citizen on a 320 px phone applies
// for a transcript (地籍謄本) at xinxing: the start page, an e-mail one-time code read from a real
// SMTP server (tests/support/smtp_sink.py), one question a page (a wrong number first: the error
// summary and the inline error), two uploads (a small PDF and a PNG made here), check your
// answers, the declaration, the confirmation with the case number, check code and QR code; then
// the progress page; and the clerk (xinxing-clerk) finds the case in the work list marked online.
// axe (WCAG 2.1 A/AA) on every page of the journey. With BIANMIN_E2E_SHOTS set, screenshots of
// the question, documents, check and confirmation pages at 320 and 1280 px go to
// $BIANMIN_BINARY_DIR/e2e-artifacts/apply-*.png.
//
// Two copies of a NT$20 transcript owe NT$40: the confirmation shows the fee with "pay online",
// the citizen pays in the sandbox gateway (BIANMIN_PAYMENT_PROVIDER=sandbox) and the progress
// page then shows it paid with the receipt link.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import {
  startServer,
  launchBrowser,
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runTests,
  typeInto,
  sourceDir,
  binaryDir,
} from './lib.mjs';

const PASSWORD = 'bianmin-demo-2026';
const SERVICE = '/o/xinxing/apply/transcript';
const EMAIL = 'citizen@example.com';
const journey = {};

function need(...keys) {
  for (const k of keys) {
    if (journey[k] === undefined) throw new Error(`an earlier step did not provide ${k}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/* Starts the SMTP sink; returns {dir, stop()}. */
async function startSink() {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bianmin-e2e-mail-'));
  const port = await freePort();
  const child = spawn('/usr/bin/python3', [path.join(sourceDir, 'tests/support/smtp_sink.py'), String(port), dir], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200 && !fs.existsSync(path.join(dir, 'ready')); i++) await sleep(50);
  if (!fs.existsSync(path.join(dir, 'ready'))) throw new Error('the SMTP sink did not start');
  return {
    dir,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

function mailCount(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).length;
}

/* The 6-digit code in message number n (waits for it). */
async function codeOf(dir, n) {
  const file = path.join(dir, String(n).padStart(4, '0') + '.eml');
  for (let i = 0; i < 200 && !fs.existsSync(file); i++) await sleep(50);
  const raw = fs.readFileSync(file, 'latin1');
  const start = raw.indexOf('\r\n\r\n', raw.indexOf('text/plain'));
  let end = raw.indexOf('\r\n--', start + 4);
  if (end < 0) end = raw.length;
  const text = Buffer.from(raw.slice(start + 4, end).replace(/\s+/g, ''), 'base64').toString('utf8');
  const m = text.match(/(?<!\d)(\d{6})(?!\d)/);
  if (!m) throw new Error(`no code in ${file}`);
  return m[1];
}

async function newPage(ctx, width) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

async function shot(page, name) {
  if (!process.env.BIANMIN_E2E_SHOTS) return;
  const dir = path.join(binaryDir, 'e2e-artifacts');
  await fs.promises.mkdir(dir, { recursive: true });
  for (const width of [320, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `apply-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 320, height: 800 });
}

/* Submits the page's form with the keyboard (Enter in the focused field) and waits. */
async function enter(page) {
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  return response;
}

/* A minimal valid PDF and a 1x1 PNG, made here. */
function smallPdf() {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
}
function smallPng() {
  return Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
    'hex',
  );
}

test('a citizen applies online on a phone, with two uploads', async (ctx) => {
  const base = ctx.server.base;
  const page = await newPage(ctx, 320);
  let response = await page.goto(`${base}${SERVICE}`);
  assertEqual(response.status(), 200, 'the start page');
  const start = await page.locator('main').innerText();
  assert(start.includes('自然人憑證'), 'the start page names the certificate seam');
  assert(start.includes('NT$20'), 'and the fee');
  await checkA11y(page, 'start page');

  const before = mailCount(ctx.sink.dir);
  await typeInto(page, 'contact', EMAIL);
  response = await enter(page);
  assertEqual(response.status(), 200, 'the code page');
  await checkA11y(page, 'code page');
  const code = await codeOf(ctx.sink.dir, before + 1);
  await typeInto(page, 'code', code);
  response = await enter(page);
  assert(page.url().endsWith(`${SERVICE}/name`), 'verified: the first question');

  await checkA11y(page, 'name page');
  await typeInto(page, 'answer', '王小明');
  await enter(page);

  // kind: radios, chosen by keyboard (Tab to the group, arrows move and check).
  assert(page.url().endsWith('/q/kind'), 'the kind question');
  await checkA11y(page, 'kind page');
  await shot(page, 'question');
  await page.focus('#answer');
  await page.keyboard.press('Space');
  await enter(page);

  for (const [code2, value] of [
    ['section', '新興段'],
    ['parcel_number', '100-1'],
  ]) {
    assert(page.url().endsWith(`/q/${code2}`), `the ${code2} question`);
    await checkA11y(page, `${code2} page`);
    await typeInto(page, 'answer', value);
    await enter(page);
  }
  // copies: a wrong answer first.
  assert(page.url().endsWith('/q/copies'), 'the copies question');
  await typeInto(page, 'answer', '兩份');
  response = await enter(page);
  assertEqual(response.status(), 400, 'a refused answer');
  assert((await page.locator('.govuk-error-summary').innerText()).includes('請輸入數字'), 'the error summary');
  assert(await page.locator('#answer-error').isVisible(), 'the inline error');
  await checkA11y(page, 'copies page with an error');
  await shot(page, 'question-error');
  await page.fill('#answer', '2');
  await page.focus('#answer');
  await enter(page);
  assert(page.url().endsWith('/q/purpose'), 'the optional purpose');
  await checkA11y(page, 'purpose page');
  await page.focus('#answer');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("繼續")')]);

  assert(page.url().endsWith('/documents'), 'the documents page');
  await checkA11y(page, 'documents page');
  await page.setInputFiles('#files', [
    { name: '申請書.pdf', mimeType: 'application/pdf', buffer: smallPdf() },
    { name: 'map.png', mimeType: 'image/png', buffer: smallPng() },
  ]);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("上傳")')]);
  const docs = await page.locator('main').innerText();
  assert(docs.includes('申請書.pdf') && docs.includes('map.png'), 'both files are listed');
  await checkA11y(page, 'documents page with files');
  await shot(page, 'documents');
  await Promise.all([page.waitForNavigation(), page.click('a.govuk-button:has-text("繼續")')]);

  assert(page.url().endsWith('/check'), 'check your answers');
  const check = await page.locator('main').innerText();
  for (const text of ['王小明', '土地登記謄本', '新興段', '100-1', '申請書.pdf']) assert(check.includes(text), `check shows ${text}`);
  await checkA11y(page, 'check page');
  await shot(page, 'check');
  await page.check('#declaration');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("確認並送出")')]);

  assert(page.url().endsWith('/done'), 'the confirmation');
  journey.number = (await page.locator('#case-number').innerText()).trim();
  journey.check = (await page.locator('#check-code').innerText()).trim();
  journey.progress = await page.getAttribute('#progress-link', 'href');
  assert(/第\d+號/.test(journey.number), 'a case number');
  assert(/^\d{6}$/.test(journey.check), 'a check code');
  assert(await page.locator('img.bm-qr').isVisible(), 'the QR code');
  const fee = await page.locator('#fee').innerText();
  assert(fee.includes('NT$40'), `the fee for two copies is on the confirmation: ${fee}`);
  await checkA11y(page, 'confirmation');
  await shot(page, 'done');

  // Pay the fee in the sandbox gateway, straight from the confirmation.
  await Promise.all([page.waitForNavigation(), page.click('#fee button[type=submit]')]);
  assertEqual(new URL(page.url()).pathname, '/sandbox/pay', 'sent to the sandbox gateway');
  await checkA11y(page, 'sandbox gateway');
  await Promise.all([page.waitForNavigation(), page.click('button[value=pay]')]);
  assertEqual(await page.locator('.bm-payment-status').getAttribute('data-status'), 'paid',
    'the return page says paid');
  await checkA11y(page, 'payment return page');

  response = await page.goto(`${base}${journey.progress}`);
  assertEqual(response.status(), 200, 'the progress page');
  assertEqual((await page.locator('.bm-status__step').innerText()).trim(), '已收件', 'received');
  const progress = await page.locator('main').innerText();
  assert(progress.includes('申請書.pdf'), 'the applicant sees the documents');
  assert(progress.includes('撤回'), 'and may withdraw before review');
  const paid = await page.locator('#fee').innerText();
  assert(paid.includes('NT$40') && paid.includes('繳費收據'), `paid, with the receipt: ${paid}`);
  await checkA11y(page, 'progress page');
});

test('the clerk sees the online case in the work list', async (ctx) => {
  need('number');
  const base = ctx.server.base;
  const page = await newPage(ctx, 1280);
  await page.goto(`${base}/staff/login`);
  await page.fill('#username', 'xinxing-clerk');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(`${base}/staff/cases?scope=office`);
  const row = page.locator('tr', { hasText: '線上' }).first();
  assert(await row.isVisible(), 'a row marked online');
  await Promise.all([page.waitForNavigation(), row.locator('a').first().click()]);
  const main = await page.locator('main').innerText();
  assert(main.includes(journey.number), 'the case page');
  assert(main.includes('新興段') && main.includes('map.png'), 'with its answers and documents');
  await checkA11y(page, 'staff case page');
});

await runTests({
  before: async () => {
    const sink = await startSink();
    process.env.BIANMIN_MAIL_URL = `smtp://127.0.0.1:${sink.port}`;
    process.env.BIANMIN_MAIL_STARTTLS = 'false';
    process.env.BIANMIN_MAIL_FROM = 'apply@xinxing.example';
    process.env.BIANMIN_RATE_LOGIN = '100000';
    process.env.BIANMIN_PAYMENT_PROVIDER = 'sandbox';
    let server;
    try {
      server = await startServer();
      return { sink, server, browser: await launchBrowser() };
    } catch (err) {
      if (server) await server.stop();
      await sink.stop();
      throw err;
    }
  },
  after: async (ctx) => {
    if (ctx.browser) await ctx.browser.close();
    if (ctx.server) await ctx.server.stop();
    if (ctx.sink) await ctx.sink.stop();
  },
});
