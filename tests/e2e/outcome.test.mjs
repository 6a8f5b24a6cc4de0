// outcome.test.mjs - outcome documents (issue 15) in a browser at 320 px, in Chinese and in
// English: the staff case page with its upload form, a refused file (the error summary and the
// field's message), the page listing an uploaded document with its withdraw form, and the
// applicant's link /p/<token> offering the download. Every state fits 320 px without sideways
// scrolling (WCAG 1.4.10) and passes axe (WCAG 2.1 A and AA).

import { newContext, checkA11y, assert, assertEqual, test, runWithServerAndBrowser } from './lib.mjs';

const WIDTH = 320;
const SUPERVISOR = 'xinxing-supervisor';
const DEMO_PASSWORD = 'bianmin-demo-2026';
const LANGS = ['zh-TW', 'en'];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/* The page's width, and when it is too wide the innermost elements that reach past it. */
async function measure(page) {
  return page.evaluate((width) => {
    const scroll = document.documentElement.scrollWidth;
    const wide = [];
    if (scroll > width) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5)) {
          wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ` (right ${Math.round(r.right)}px)`);
        }
      }
    }
    return { scroll, wide: wide.slice(0, 8) };
  }, WIDTH);
}

/* The page fits 320 px and passes axe. */
async function checked(page, label) {
  const { scroll, wide } = await measure(page);
  assert(scroll <= WIDTH, `${label}: ${scroll}px wide at ${WIDTH}px: ${wide.join(', ')}`);
  await checkA11y(page, `${label} (${WIDTH}px)`);
}

async function signIn(page, base) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', SUPERVISOR);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
}

async function takeIn(page, base) {
  await page.goto(base + '/staff/intake?service=1&lang=zh-TW');
  await page.fill('#applicant_name', '黃大同');
  await page.fill('#applicant_phone', '0912345678');
  await Promise.all([page.waitForNavigation(), page.click('form[method=post][action="/staff/intake"] button[type=submit]')]);
  const url = new URL(page.url());
  const match = url.pathname.match(/^\/staff\/cases\/(\d+)\/receipt$/);
  assert(match, `intake lands on the receipt, not ${url}`);
  return { id: match[1], token: url.searchParams.get('t') };
}

async function upload(page, name, mimeType, buffer) {
  await page.setInputFiles('#document', { name, mimeType, buffer });
  await Promise.all([page.waitForNavigation(), page.click('#outcome-form button[type=submit]')]);
}

test('outcome documents: staff upload, refusal, list and the applicant link at 320 px', async (ctx) => {
  const context = await newContext(ctx.browser, WIDTH, { locale: 'zh-TW' });
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  const base = ctx.server.base;
  await signIn(page, base);
  const taken = await takeIn(page, base);
  assert(taken.token, 'the receipt carries the link token');
  const casePath = `/staff/cases/${taken.id}`;

  for (const lang of LANGS) {
    await page.goto(`${base}${casePath}?lang=${lang}`);
    assert(await page.locator('#outcome-form').isVisible(), 'the upload form is offered');
    await checked(page, `${casePath} upload form [${lang}]`);
  }

  await page.goto(`${base}${casePath}?lang=zh-TW`);
  await upload(page, 'notes.pdf', 'application/pdf', Buffer.from('only text, not a PDF\n'));
  assertEqual(await page.locator('#document-error').count(), 1, 'the refusal is shown at the field');
  assert((await page.locator('.govuk-error-summary').innerText()).includes('只接受 PDF、JPEG 或 PNG 檔案。'),
    'the error summary names the reason');
  await checked(page, `${casePath} refused file [zh-TW]`);

  await page.goto(`${base}${casePath}?lang=zh-TW`);
  await upload(page, '土地使用分區證明.pdf', 'application/pdf', PDF);
  assertEqual(new URL(page.url()).pathname, casePath, 'back on the case page');
  assert((await page.locator('#outcomes').innerText()).includes('土地使用分區證明.pdf'), 'the document is listed');
  for (const lang of LANGS) {
    await page.goto(`${base}${casePath}?lang=${lang}`);
    await checked(page, `${casePath} with a document [${lang}]`);
  }

  const applicant = await (await newContext(ctx.browser, WIDTH, { locale: 'zh-TW' })).newPage();
  ctx.defer(() => applicant.context().close());
  ctx.screenshotOnFailure(applicant);
  for (const lang of LANGS) {
    await applicant.goto(`${base}/p/${taken.token}?lang=${lang}`);
    const link = applicant.locator('#outcomes a');
    assertEqual(await link.count(), 1, 'the link offers the document');
    await checked(applicant, `/p/<token> [${lang}]`);
  }
  const href = await applicant.locator('#outcomes a').getAttribute('href');
  const response = await applicant.request.get(base + href);
  assertEqual(response.status(), 200, 'the download answers');
  assertEqual(Buffer.compare(await response.body(), PDF), 0, 'the same bytes come back');
});

runWithServerAndBrowser();
