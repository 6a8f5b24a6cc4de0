// plan.test.mjs - plan control (issue 20) as a unit supervisor meets it: the demo plan (seed
// 000) is listed from the staff home; the supervisor of 登記課 enters this month's progress on
// one of the unit's focal points with the keyboard and attaches a PDF to it as evidence (listed
// on the plan page and in the meeting view, downloadable); the plan page (with its progress and
// evidence forms and the file's removal button), the meeting view and the list of years pass axe (WCAG 2.1 A and AA) and do not scroll
// sideways at 320 px, in Chinese and in English.

import { execFile } from 'node:child_process';
import path from 'node:path';

import {
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runWithServerAndBrowser,
} from './lib.mjs';

const PASSWORD = 'plan-river-lamp-2026';
const LANGS = ['zh-TW', 'en'];

/* A supervisor of 登記課 (the demo staff have no unit), through the CLI. */
function addSupervisor(server) {
  return new Promise((resolve, reject) => {
    execFile(
      process.env.BIANMIN_EXE,
      ['user', 'add', '--db', path.join(server.dir, 'db.sqlite'), '--office', 'xinxing',
        '--username', 'plan-registration', '--name', '登記課課長', '--roles', 'supervisor',
        '--unit', 'registration', '--no-expire'],
      { env: { ...process.env, BIANMIN_PASSWORD: PASSWORD }, timeout: 60000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve()),
    );
  });
}

async function signIn(page, base) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', 'plan-registration');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  assertEqual(new URL(page.url()).pathname, '/staff/', 'signed in');
}

async function newPage(ctx, width) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

let added = false;
async function supervisor(ctx, width) {
  if (!added) {
    await addSupervisor(ctx.server);
    added = true;
  }
  const page = await newPage(ctx, width);
  await signIn(page, ctx.server.base);
  return page;
}

test('the unit supervisor enters this month\'s progress by keyboard', async (ctx) => {
  const base = ctx.server.base;
  const page = await supervisor(ctx, 1280);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/staff/plan"]')]);
  const year = page.locator('a[href^="/staff/plan/"]').first();
  await Promise.all([page.waitForNavigation(), year.click()]);
  const form = page.locator('form[action$="/progress"]').first();
  assert(await form.count() === 1, 'a progress form for the unit\'s focal point');
  const percent = form.locator('input[name=percent]');
  await percent.fill('60');
  await percent.press('Tab');
  await page.keyboard.type('已完成進度簡訊通知測試');
  await page.keyboard.press('Tab');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const section = page.locator('section.bm-plan-point', { hasText: '已完成進度簡訊通知測試' });
  assertEqual(await section.count(), 1, 'the entry shows under its focal point');
});

test('the unit supervisor attaches a PDF to the entry, it is listed and downloads', async (ctx) => {
  const base = ctx.server.base;
  const page = await supervisor(ctx, 1280);
  const year = new Date().getFullYear() - 1911;
  await page.goto(`${base}/staff/plan/${year}`);
  const form = page.locator('form[action$="/evidence"]').first();
  assert(await form.count() === 1, 'an evidence form where the unit has an entry');
  await form.locator('input[type=file]').setInputFiles({
    name: '進度佐證.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  });
  await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
  const link = page.locator('a[href*="/evidence/"]', { hasText: '進度佐證.pdf' });
  assertEqual(await link.count(), 1, 'the file is listed with its link');
  const answer = await page.request.get(base + await link.getAttribute('href'));
  assertEqual(answer.status(), 200, 'the file downloads');
  assert((await answer.body()).subarray(0, 5).toString() === '%PDF-', 'the bytes are the PDF');
  await page.goto(`${base}/staff/plan/${year}/meeting`);
  assertEqual(await page.locator('a[href*="/evidence/"]', { hasText: '進度佐證.pdf' }).count(), 1,
    'the meeting view lists the file');
});

test('plan, progress and meeting pages pass axe and fit 320 px in both languages', async (ctx) => {
  const base = ctx.server.base;
  const page = await supervisor(ctx, 320);
  const year = new Date().getFullYear() - 1911;
  for (const lang of LANGS) {
    for (const p of ['/staff/plan', `/staff/plan/${year}`, `/staff/plan/${year}/meeting`]) {
      await page.goto(`${base}${p}?lang=${lang}`);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(scroll <= 320, `${p} (${lang}) is ${scroll}px wide at 320px`);
      await checkA11y(page, `${p} (${lang}, 320px)`);
    }
  }
});

runWithServerAndBrowser();
