// petition.test.mjs - petitions in a real browser at 320 px: a citizen files a petition at
// xinxing (the e-mail one-time code read from a real SMTP server, tests/support/smtp_sink.py),
// sees the number, check code and due date; the supervisor (also a handler) opens it from the
// petition list, answers from the form and sends the answer; the citizen opens the rating link
// of the answer e-mail and rates the answer once. The public statistics page is checked too, in
// both languages. Every page: axe (WCAG 2.1 A/AA) and no sideways scrolling at 320 px.

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
  sourceDir,
  addAdmin,
  totp,
} from './lib.mjs';

const PASSWORD = 'bianmin-demo-2026';
const OFFICE = '/o/xinxing';
const EMAIL = 'petitioner@example.com';
const journey = {};
const ADMIN = 'e2e-petition-admin';
const ADMIN_PASSWORD = 'petition-lantern-harbour-42';
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

async function startSink() {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bianmin-e2e-petition-mail-'));
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

/* The decoded text parts of every stored message. */
function mails(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => {
      const raw = fs.readFileSync(path.join(dir, f), 'latin1');
      const start = raw.indexOf('\r\n\r\n', raw.indexOf('text/plain'));
      let end = raw.indexOf('\r\n--', start + 4);
      if (end < 0) end = raw.length;
      return Buffer.from(raw.slice(start + 4, end).replace(/\s+/g, ''), 'base64').toString('utf8');
    });
}

/* Waits (generously) for a message whose text matches re; returns the match. */
async function mailMatching(dir, re) {
  for (let i = 0; i < 600; i++) {
    for (const text of mails(dir)) {
      const m = text.match(re);
      if (m) return m;
    }
    await sleep(100);
  }
  throw new Error(`no message matches ${re}`);
}

async function fits(page, label) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(scroll <= 320, `${label}: ${scroll}px wide at 320 px`);
  await checkA11y(page, label);
}

async function newPage(ctx) {
  const context = await newContext(ctx.browser, 320, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

async function submit(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

test('a citizen files a petition with a verified e-mail', async (ctx) => {
  const base = ctx.server.base;
  const page = await newPage(ctx);
  let response = await page.goto(`${base}${OFFICE}/petition`);
  assertEqual(response.status(), 200, 'the form');
  await fits(page, 'petition form');
  await page.fill('#subject', '路燈不亮');
  await page.fill('#body', '中山路口的路燈已經三天不亮了。');
  await page.fill('#name', '陳小明');
  await page.fill('#contact', EMAIL);
  response = await submit(page, 'button.govuk-button');
  assertEqual(response.status(), 200, 'the code page');
  await fits(page, 'code page');
  const [, code] = await mailMatching(ctx.sink.dir, /驗證碼為 (\d{6})/);
  await page.fill('#code', code);
  response = await submit(page, 'button.govuk-button');
  assertEqual(response.status(), 200, 'the petition page');
  await fits(page, 'petition page');
  journey.key = (await page.locator('#petition-number').innerText()).trim();
  assert(/^\d{3}-PT-\d{6}$/.test(journey.key), `a petition number (${journey.key})`);
});

test('the supervisor answers it from the petition list', async (ctx) => {
  assert(journey.key, 'an earlier step filed a petition');
  const base = ctx.server.base;
  const page = await newPage(ctx);
  await page.goto(`${base}/staff/login`);
  await page.fill('#username', 'xinxing-supervisor');
  await page.fill('#password', PASSWORD);
  await submit(page, 'button.govuk-button');
  let response = await page.goto(`${base}/staff/petitions`);
  assertEqual(response.status(), 200, 'the petition list');
  await fits(page, 'petition list');
  response = await submit(page, `a:has-text("${journey.key}")`);
  assertEqual(response.status(), 200, 'the petition');
  await fits(page, 'staff petition page');
  await page.fill('#answer', '已通知路燈維護廠商，將於三日內修復。');
  await submit(page, 'form[action$="/draft"] button');
  await fits(page, 'petition with a draft answer');
  await submit(page, 'form[action$="/send"] button');
  const [, link] = await mailMatching(ctx.sink.dir, /https?:\/\/[^\s]+(\/o\/xinxing\/petition\/rate\/[0-9a-f]{64})/);
  journey.rate = link;
});

test('the citizen rates the answer once from the link', async (ctx) => {
  assert(journey.rate, 'an earlier step sent the answer');
  const base = ctx.server.base;
  const page = await newPage(ctx);
  const response = await page.goto(`${base}${journey.rate}`);
  assertEqual(response.status(), 200, 'the rating page');
  assert((await page.locator('main').innerText()).includes('三日內修復'), 'the answer is shown');
  await fits(page, 'rating page');
  await submit(page, 'button[name="rating"][value="5"]');
  const text = await page.locator('main').innerText();
  assert(text.includes('謝謝您的評分'), 'thanked');
  assertEqual(await page.locator('button[name="rating"]').count(), 0, 'no second rating');
  await fits(page, 'rated page');
});

test('the public statistics in both languages', async (ctx) => {
  const page = await newPage(ctx);
  for (const lang of ['zh-TW', 'en']) {
    const response = await page.goto(`${ctx.server.base}${OFFICE}/petitions/stats?lang=${lang}`);
    assertEqual(response.status(), 200, `statistics (${lang})`);
    await fits(page, `statistics ${lang}`);
    assert(!(await page.content()).includes('陳小明'), 'no personal data');
  }
  const response = await page.goto(`${ctx.server.base}${OFFICE}/petition?lang=en`);
  assertEqual(response.status(), 200, 'the English form');
  await fits(page, 'petition form en');
});

test('staff record and settings pages in both languages', async (ctx) => {
  const base = ctx.server.base;
  const page = await newPage(ctx);
  await page.goto(`${base}/staff/login`);
  await page.fill('#username', 'xinxing-supervisor');
  await page.fill('#password', PASSWORD);
  await submit(page, 'button.govuk-button');
  for (const lang of ['zh-TW', 'en']) {
    for (const p of ['/staff/petitions/new', '/staff/petitions?list=all', '/staff/petitions?list=overdue']) {
      const response = await page.goto(`${base}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
      assertEqual(response.status(), 200, `${p} (${lang})`);
      await fits(page, `${p} ${lang}`);
    }
  }
  const admin = await newPage(ctx);
  await admin.goto(`${base}/staff/login`);
  await admin.fill('#username', ADMIN);
  await admin.fill('#password', ADMIN_PASSWORD);
  await submit(admin, 'button.govuk-button');
  const secret = (await admin.locator('#totp-secret').innerText()).trim();
  await admin.fill('#code', totp(secret));
  await Promise.all([admin.waitForNavigation(), admin.press('#code', 'Enter')]);
  for (const lang of ['zh-TW', 'en']) {
    const response = await admin.goto(`${base}/staff/admin/petitions?lang=${lang}`);
    assertEqual(response.status(), 200, `settings (${lang})`);
    await fits(admin, `petition settings ${lang}`);
  }
});

await runTests({
  before: async () => {
    const sink = await startSink();
    process.env.BIANMIN_MAIL_URL = `smtp://127.0.0.1:${sink.port}`;
    process.env.BIANMIN_MAIL_STARTTLS = 'false';
    process.env.BIANMIN_MAIL_FROM = 'petitions@xinxing.example';
    process.env.BIANMIN_NOTIFY_QUIET_START = '00:00';
    process.env.BIANMIN_NOTIFY_QUIET_END = '00:00';
    process.env.BIANMIN_NOTIFY_POLL = '1';
    process.env.BIANMIN_RATE_LOGIN = '100000';
    let server;
    try {
      server = await startServer();
      await addAdmin(server, { office: 'xinxing', username: ADMIN, name: '陳情管理員', password: ADMIN_PASSWORD });
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
