// survey.test.mjs - satisfaction surveys in the browser (issue 19): an analyst imports a survey
// on the builder page; a supervisor takes a case in, and its receipt prints the survey link;
// on a phone-sized page a citizen opens that link and answers by keyboard alone (Tab, arrow
// keys, typing, Enter); the answer page, the builder and the results (with its SVG charts and
// wide tables) pass axe (WCAG 2.1 A and AA) and fit 320 px without sideways scrolling, in
// Chinese and in English; the quality records page too. A supervisor builds a survey with the
// form builder (create, add a question, move it, a refused change, the preview) at 320 px.

import {
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runWithServerAndBrowser,
  typeInto,
} from './lib.mjs';

const WIDTH = 320;
const DEMO_PASSWORD = 'bianmin-demo-2026';
const LANGS = ['zh-TW', 'en'];

/* No waves: open every day, whatever the real date is when the test runs. */
const DEFINITION = JSON.stringify({
  slug: 'e2e-counter',
  measure: 'counter',
  collect: 'case',
  title_zh: '臨櫃服務滿意度',
  title_en: 'Counter service',
  questions: [
    { code: 'overall', kind: 'scale5', required: true, text_zh: '整體滿意度', text_en: 'Overall' },
    {
      code: 'why', kind: 'multi', text_zh: '需改進之處', text_en: 'What to improve',
      options: [{ code: 'wait', zh: '等候時間', en: 'Waiting' }, { code: 'staff', zh: '服務態度', en: 'Courtesy' }],
      when: { question: 'overall', in: ['1', '2', '3'] },
    },
    { code: 'say', kind: 'text', text_zh: '其他建議', text_en: 'Anything else' },
  ],
}, null, 2);

let surveyLink = null;
let resultsPath = null;

async function newPage(ctx, width = WIDTH) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

async function signIn(page, base, user) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', user);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  assertEqual(new URL(page.url()).pathname, '/staff/', `${user} signed in`);
}

/* The page at 320 px: no sideways scrolling, and axe finds nothing, in both languages. */
async function fitsAndAccessible(page, url) {
  for (const lang of LANGS) {
    const target = url + (url.includes('?') ? '&' : '?') + 'lang=' + lang;
    const response = await page.goto(target);
    assert(response.status() < 400, `${url} (${lang}) answered ${response.status()}`);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(scroll <= WIDTH, `${url} (${lang}) is ${scroll}px wide at ${WIDTH}px`);
    await checkA11y(page, `${url} (${lang}, ${WIDTH}px)`);
  }
}

test('an analyst imports a survey on the builder page', async (ctx) => {
  const page = await newPage(ctx);
  const base = ctx.server.base;
  await signIn(page, base, 'xinxing-analyst');
  await fitsAndAccessible(page, base + '/staff/surveys');
  await page.goto(base + '/staff/surveys?lang=zh-TW');
  await page.fill('#definition', DEFINITION);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/staff/surveys"] button[type=submit]')]);
  const url = new URL(page.url());
  const match = url.pathname.match(/^\/staff\/surveys\/(\d+)$/);
  assert(match, `saving lands on the survey, not ${url}`);
  resultsPath = `/staff/surveys/${match[1]}/results`;
  await fitsAndAccessible(page, base + url.pathname);
});

test('the receipt of a new case prints the survey link', async (ctx) => {
  const page = await newPage(ctx, 1024);
  const base = ctx.server.base;
  await signIn(page, base, 'xinxing-supervisor');
  await page.goto(base + '/staff/intake?service=1&lang=zh-TW');
  await page.fill('#applicant_name', '黃大同');
  await page.fill('#applicant_phone', '0912345678');
  await Promise.all([page.waitForNavigation(), page.click('form[method=post][action="/staff/intake"] button[type=submit]')]);
  assert(/\/receipt$/.test(new URL(page.url()).pathname), `intake lands on the receipt, not ${page.url()}`);
  surveyLink = (await page.locator('.bm-receipt__survey .bm-receipt__link').innerText()).trim();
  assert(/\/s\/[A-Za-z0-9_-]+$/.test(surveyLink), `a survey link on the receipt, not "${surveyLink}"`);
});

test('a citizen answers from the receipt link on a phone, by keyboard', async (ctx) => {
  assert(surveyLink, 'the receipt test gave a link');
  const page = await newPage(ctx);
  const path = new URL(surveyLink).pathname;
  const base = ctx.server.base;
  await fitsAndAccessible(page, base + path);
  await page.goto(base + path + '?lang=zh-TW');
  /* Tab to the first five-point answer, then the arrow keys choose 5 (radios check on move) */
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement && document.activeElement.id === 'overall')) break;
  }
  assertEqual(await page.evaluate(() => document.activeElement.id), 'overall', 'Tab reaches question 1');
  await page.keyboard.press('Space');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  assertEqual(await page.locator('input[name=overall]:checked').getAttribute('value'), '5', 'answer 5 chosen');
  await typeInto(page, 'say', '櫃檯很親切');
  /* on to the send button, then Enter */
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement && document.activeElement.type === 'submit')) break;
  }
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert(new URL(page.url()).searchParams.get('thanks') === '1', `thanked, at ${page.url()}`);
  await page.locator('#survey-thanks').waitFor();
  await fitsAndAccessible(page, page.url());
});

test('the results and quality pages fit 320 px and pass axe', async (ctx) => {
  assert(resultsPath, 'the builder test saved a survey');
  const page = await newPage(ctx);
  const base = ctx.server.base;
  await signIn(page, base, 'xinxing-analyst');
  await fitsAndAccessible(page, base + resultsPath);
  const images = await page.locator('svg[role=img] title').count();
  assert(images >= 1, 'the results have SVG charts with titles');
  await fitsAndAccessible(page, base + '/staff/quality');
});

/* The form builder (no JSON, no JavaScript needed): a supervisor creates an open survey,
 * adds a single choice by the form, moves it up with its button, sees a refused change named
 * in the error summary, and previews the answer page; every page fits 320 px and passes axe in
 * both languages. Open to all (not from cases): the receipt test above keeps its survey. */
test('a supervisor builds a survey with the forms at 320 px', async (ctx) => {
  const page = await newPage(ctx);
  const base = ctx.server.base;
  await signIn(page, base, 'xinxing-supervisor');
  await page.goto(base + '/staff/surveys?lang=zh-TW');
  await page.fill('#slug', 'e2e-lobby');
  await page.fill('#new-title_zh', '大廳服務滿意度');
  await page.fill('#new-title_en', 'Lobby service');
  await page.fill('#new-measure', 'lobby');
  await page.check('#new-collect-open');
  /* Enter in a text field sends its form */
  await Promise.all([page.waitForNavigation(), page.press('#new-measure', 'Enter')]);
  const match = new URL(page.url()).pathname.match(/^\/staff\/surveys\/(\d+)\/build$/);
  assert(match, `creating lands on the builder, not ${page.url()}`);
  const build = `/staff/surveys/${match[1]}/build`;
  await fitsAndAccessible(page, base + build);

  await page.goto(base + build + '?lang=zh-TW');
  await page.check('#kind-single');
  await page.fill('#text_zh', '您從哪裡得知本所？');
  await page.fill('#text_en', 'How did you hear of us?');
  await page.fill('#options', 'web | 網站 | Website\nfriend | 朋友 | A friend');
  await Promise.all([page.waitForNavigation(), page.click('#question-form button[type=submit]')]);
  assertEqual(await page.locator('.bm-survey-questions > li').count(), 2, 'two questions');
  assert((await page.locator('.bm-survey-questions > li').nth(1).innerText()).includes('您從哪裡得知本所？'),
    'the new question is listed last');
  /* its "move up" button, by keyboard: focus it and press Enter */
  const up = page.locator('.bm-survey-questions > li').nth(1).locator('button', { hasText: '上移' });
  await up.focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert((await page.locator('.bm-survey-questions > li').first().innerText()).includes('您從哪裡得知本所？'),
    'moved up');
  await fitsAndAccessible(page, base + build + '?question=q1');

  /* a single choice with one option: refused, named in the error summary, nothing saved */
  await page.goto(base + build + '?lang=zh-TW');
  await page.check('#kind-single');
  await page.fill('#code', 'one');
  await page.fill('#text_zh', '只有一個選項');
  await page.fill('#options', 'a | 甲 | A');
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#question-form button[type=submit]')]);
  assertEqual(response.status(), 400, 'refused');
  assert((await page.locator('.govuk-error-summary').innerText()).includes('（one）'), 'the fault names the question');
  assertEqual(await page.locator('.bm-survey-questions > li').count(), 2, 'nothing added');
  assertEqual(await page.inputValue('#options'), 'a | 甲 | A', 'the form keeps what was typed');
  await checkA11y(page, `${build} refused (${WIDTH}px)`);

  /* a wave: its table scrolls inside its region at 320 px */
  await page.goto(base + build + '?lang=zh-TW');
  await page.fill('#wave-code', '2026H2');
  await page.fill('#name_zh', '2026 下半年');
  await page.fill('#name_en', '2026 second half');
  await page.fill('#opens', '2026-07-01');
  await page.fill('#closes', '2026-12-31');
  await Promise.all([page.waitForNavigation(), page.click('#wave-form button[type=submit]')]);
  assertEqual(await page.locator('table th[scope=row]', { hasText: '2026H2' }).count(), 1, 'the wave is listed');
  await fitsAndAccessible(page, base + build + '?wave=2026H2');

  await fitsAndAccessible(page, base + `/staff/surveys/${match[1]}/preview`);
  assert(await page.locator('input[name=q1][value=web]').count() === 1, 'the preview shows the choice');
});

await runWithServerAndBrowser();
