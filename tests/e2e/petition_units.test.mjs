// petition_units.test.mjs - petitions per unit in a real browser at 320 px (issue 19, least
// privilege): a coordinator (an account without a unit) records a petition whose category goes
// to 登記課; a handler of 測量課 cannot open it (404); a handler of 登記課 opens it and routes it
// to 測量課 with a reason, lands on the list, which says where it went, and can no longer open
// it; the handler of 測量課 now can. Every page shown: axe (WCAG 2.1 A/AA) and no sideways
// scrolling at 320 px, in both languages for the list's message.

import { execFile } from 'node:child_process';
import path from 'node:path';

import { startServer, launchBrowser, newContext, checkA11y, assert, assertEqual, test, runTests } from './lib.mjs';

const PASSWORD = 'petition-units-river-2026';
const UNIT_FROM = '登記課';
const UNIT_TO = '測量課';
const journey = {};

function addUser(server, username, roles, unit) {
  const args = ['user', 'add', '--db', path.join(server.dir, 'db.sqlite'), '--office', 'xinxing',
    '--username', username, '--name', '陳情同仁', '--roles', roles, '--no-expire'];
  if (unit) args.push('--unit', unit);
  return new Promise((resolve, reject) => {
    execFile(process.env.BIANMIN_EXE, args, { env: { ...process.env, BIANMIN_PASSWORD: PASSWORD }, timeout: 60000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve()));
  });
}

async function fits(page, label) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(scroll <= 320, `${label}: ${scroll}px wide at 320 px`);
  await checkA11y(page, label);
}

async function submit(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

/* A page at 320 px signed in as username. */
async function signedIn(ctx, username) {
  const context = await newContext(ctx.browser, 320, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  await page.goto(`${ctx.server.base}/staff/login`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  const response = await submit(page, 'button.govuk-button');
  assert(response.status() < 400, `${username} signs in (${response.status()})`);
  return page;
}

test('a coordinator records a petition for a unit; only that unit opens it', async (ctx) => {
  const base = ctx.server.base;
  const coordinator = await signedIn(ctx, 'e2e-pu-coordinator');
  let response = await coordinator.goto(`${base}/staff/petitions/new`);
  assertEqual(response.status(), 200, 'the record form');
  await coordinator.selectOption('#channel', 'phone');
  await coordinator.selectOption('#category_id', { index: 1 }); /* the demo's first: 登記課 answers */
  await coordinator.fill('#subject', '謄本申請流程太慢');
  await coordinator.fill('#body', '希望改善櫃台等候時間。');
  response = await submit(coordinator, 'form[action="/staff/petitions"] button.govuk-button');
  assertEqual(response.status(), 200, 'the petition page');
  journey.path = new URL(coordinator.url()).pathname;
  assert(/^\/staff\/petitions\/\d+$/.test(journey.path), `a petition page (${journey.path})`);
  const other = await signedIn(ctx, 'e2e-pu-survey');
  response = await other.goto(`${base}${journey.path}`);
  assertEqual(response.status(), 404, "another unit's handler");
});

test("the unit's handler routes it away with a reason and is told where it went", async (ctx) => {
  assert(journey.path, 'an earlier step recorded a petition');
  const base = ctx.server.base;
  const page = await signedIn(ctx, 'e2e-pu-registration');
  let response = await page.goto(`${base}${journey.path}`);
  assertEqual(response.status(), 200, "the unit's petition");
  await fits(page, 'petition page (unit)');
  assert((await page.locator('#unit_id option:checked').innerText()).includes(UNIT_FROM), `${UNIT_FROM}'s`);
  await page.selectOption('#unit_id', { label: UNIT_TO });
  await page.fill('#route-note', '屬測量業務');
  response = await submit(page, `form[action="${journey.path}/route"] button`);
  assertEqual(response.status(), 200, 'the list');
  assertEqual(new URL(page.url()).pathname, '/staff/petitions', 'back on the list');
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'the message');
  await fits(page, 'petition list after routing');
  response = await page.goto(`${base}/staff/petitions?done=route&lang=en`);
  assertEqual(response.status(), 200, 'the list in English');
  await fits(page, 'petition list after routing (en)');
  response = await page.goto(`${base}${journey.path}`);
  assertEqual(response.status(), 404, 'no longer theirs');
  const survey = await signedIn(ctx, 'e2e-pu-survey');
  response = await survey.goto(`${base}${journey.path}`);
  assertEqual(response.status(), 200, `now ${UNIT_TO}'s`);
  assert((await survey.locator('#unit_id option:checked').innerText()).includes(UNIT_TO), 'routed there');
});

await runTests({
  before: async () => {
    process.env.BIANMIN_RATE_LOGIN = '100000';
    const server = await startServer();
    try {
      await addUser(server, 'e2e-pu-coordinator', 'handler', null);
      await addUser(server, 'e2e-pu-registration', 'handler', 'registration');
      await addUser(server, 'e2e-pu-survey', 'handler', 'survey');
      return { server, browser: await launchBrowser() };
    } catch (err) {
      await server.stop();
      throw err;
    }
  },
  after: async (ctx) => {
    if (ctx.browser) await ctx.browser.close();
    if (ctx.server) await ctx.server.stop();
  },
});
