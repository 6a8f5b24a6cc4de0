// workflows.test.mjs - workflows as data (issue 15) in a browser: an admin renames a step of the
// land survey workflow and adds one, a handler moves a new 鑑界 case through the new step, and
// the citizen's progress page shows the new wording; the admin pages pass axe (WCAG 2.1 A and
// AA) and reflow at 320 px in both languages, the progress page too.

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
  totp,
} from './lib.mjs';

const WIDTH = 320;
const SUPERVISOR = 'xinxing-supervisor'; // also a handler
const DEMO_PASSWORD = 'bianmin-demo-2026';
const ADMIN = 'e2e-wf-admin';
const ADMIN_PASSWORD = 'amber-river-compass-41';
const SURVEY = '土地鑑界（界址鑑定）';
const LANGS = ['zh-TW', 'en'];

async function signIn(page, base, user, password) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
}

async function signInAdmin(page, base) {
  await signIn(page, base, ADMIN, ADMIN_PASSWORD);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.fill('#code', totp(secret));
  await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
}

async function submit(page, selector = 'form[method=post] button[type=submit]') {
  await Promise.all([page.waitForNavigation(), page.locator(selector).last().click()]);
}

async function wide(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test('an admin renames a step and adds one', async (ctx) => {
  const context = await newContext(ctx.browser, 1280, { locale: 'zh-TW' });
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  const base = ctx.server.base;
  await signInAdmin(page, base);

  await page.goto(base + '/staff/admin/workflows/land_survey/steps/scheduled');
  await page.fill('#name_zh', '會勘日期已排定');
  await page.fill('#name_en', 'Site visit booked');
  await page.fill('#plain_zh', '已排定會勘日期，請依通知到場指界。');
  await submit(page);
  assert(new URL(page.url()).searchParams.get('saved'), 'saved as a new version');

  await page.goto(base + '/staff/admin/workflows/land_survey/steps/new');
  await page.fill('#code', 'boundary_marked');
  await page.fill('#after', 'surveyed');
  await page.fill('#before', 'results_drawn');
  await page.fill('#name_zh', '界標已埋設');
  await page.fill('#name_en', 'Boundary marked');
  await page.fill('#plain_zh', '界標已埋設，成果圖繪製中。');
  await page.fill('#plain_en', 'The boundary marks are set; the results are being drawn.');
  await submit(page);
  assertEqual(new URL(page.url()).pathname, '/staff/admin/workflows/land_survey', 'back on the workflow');
  const preview = await page.locator('.bm-preview').innerText();
  assert(preview.includes('會勘日期已排定') && preview.includes('界標已埋設'), `the preview shows the new wording: ${preview}`);

  // The admin pages, through axe (WCAG 2.1 A and AA) and at 320 px, in both languages.
  await page.setViewportSize({ width: WIDTH, height: 900 });
  const pages = ['/staff/admin/workflows', '/staff/admin/workflows/land_survey',
    '/staff/admin/workflows/land_survey/steps/scheduled', '/staff/admin/workflows/mediation/steps/new'];
  const problems = [];
  for (const lang of LANGS) {
    for (const path of pages) {
      const response = await page.goto(`${base}${path}?lang=${lang}`);
      assert(response.status() < 400, `${path} answered ${response.status()}`);
      const w = await wide(page);
      if (w > WIDTH) problems.push(`${path} [${lang}]: ${w}px wide`);
      await checkA11y(page, `${path} (${lang}, ${WIDTH}px)`);
    }
  }
  assert(problems.length === 0, `pages wider than ${WIDTH}px:\n  ${problems.join('\n  ')}`);
});

test('a handler moves a new case through it and the citizen reads the new wording', async (ctx) => {
  const context = await newContext(ctx.browser, 1280, { locale: 'zh-TW' });
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  const base = ctx.server.base;
  await signIn(page, base, SUPERVISOR, DEMO_PASSWORD);
  await page.goto(base + '/staff/intake');
  await page.selectOption('#service', { label: SURVEY });
  await submit(page, 'form[method=get] button[type=submit]');
  await page.fill('#applicant_name', '黃大同');
  await page.fill('#applicant_phone', '0912345678');
  await submit(page, 'form[method=post][action="/staff/intake"] button[type=submit]');
  const url = new URL(page.url());
  const match = url.pathname.match(/^\/staff\/cases\/(\d+)\/receipt$/);
  assert(match, `intake lands on the receipt, not ${url}`);
  const id = match[1];
  const token = url.searchParams.get('t');

  for (const label of ['會勘日期已排定', '已實地測量', '界標已埋設']) {
    await page.goto(`${base}/staff/cases/${id}`);
    await page.selectOption('#to', { label });
    await submit(page, `form[action="/staff/cases/${id}/status"] button[type=submit]`);
  }
  await page.goto(`${base}/staff/cases/${id}`);
  const status = await page.locator('body').innerText();
  assert(status.includes('界標已埋設'), 'the case page names the new step');

  const citizen = await newContext(ctx.browser, WIDTH, { locale: 'zh-TW' });
  ctx.defer(() => citizen.close());
  const p = await citizen.newPage();
  await p.goto(`${base}/p/${token}`);
  const text = await p.locator('main').innerText();
  assert(text.includes('界標已埋設'), 'the progress page names the step');
  assert(text.includes('界標已埋設，成果圖繪製中。'), 'in the plain words the admin wrote');
  assert(text.includes('會勘日期已排定'), 'and lists the renamed step');
  assert((await wide(p)) <= WIDTH, 'the progress page fits 320 px');
  await checkA11y(p, 'progress page with the workflow steps');
});

runTests({
  before: async () => {
    const server = await startServer();
    try {
      await addAdmin(server, { office: 'xinxing', username: ADMIN, name: '流程管理員', password: ADMIN_PASSWORD });
      return { server, browser: await launchBrowser() };
    } catch (err) {
      await server.stop();
      throw err;
    }
  },
  after: async ({ server, browser }) => {
    if (browser) await browser.close();
    if (server) await server.stop();
  },
});
