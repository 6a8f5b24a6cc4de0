// cases.test.mjs - a case's journey in a real browser: the clerk signs in and takes a case in at
// the counter by keyboard (a wrong ID number first), prints the receipt (number, check code,
// handler, counter, QR code; the staff bar is not printed); a citizen on a 320 px phone opens the
// QR link and sees 已收件 and the masked name; the handler opens the case from the work list and
// issues a correction with two items; the citizen reloads and sees both items and the deadline,
// looks the case up by number and check code (typed in full-width digits), and a wrong check
// code gets the polite not-found answer. axe (WCAG 2.1 A/AA) on every page visited, public pages
// at 320 and 1280 px.
//
// The steps run in order and share what they learn (`journey`); a step whose predecessor failed
// says so.

import {
  startServer,
  launchBrowser,
  newContext,
  checkA11y,
  assert,
  assertEqual,
  test,
  runTests,
  runWithServerAndBrowser,
} from './lib.mjs';

const PASSWORD = 'bianmin-demo-2026';
const SERVICE = '買賣移轉登記';
const HANDLER_NAME = '承辦人（示範）';
const APPLICANT = '王小明';
const MASKED = '王○明';
const ITEMS = ['請補附義務人印鑑證明', '買賣契約書應加蓋騎縫章'];
const WIDTHS = [320, 1280];

const journey = {}; // caseId, token, key, check, number, deadlineText

function need(...keys) {
  for (const k of keys) {
    if (journey[k] === undefined) throw new Error(`an earlier step did not provide ${k}`);
  }
}

async function newPage(ctx, width) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  return page;
}

async function focusedId(page) {
  return page.evaluate(() => (document.activeElement ? document.activeElement.id : ''));
}

/* Presses Tab until the element with this id has the focus, as a keyboard user would. */
async function tabTo(page, id, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedId(page)) === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

/* Tabs to a <select> and moves through its options with the arrow keys until the chosen
 * option's text includes `text`. */
async function chooseByKeyboard(page, id, text) {
  await tabTo(page, id);
  const count = await page.locator(`#${id} option`).count();
  await page.keyboard.press('Home');
  for (let i = 0; i <= count; i++) {
    const chosen = await page.$eval(`#${id}`, (s) => (s.selectedOptions[0] ? s.selectedOptions[0].text : ''));
    if (chosen.includes(text)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option "${text}" in #${id}`);
}

/* Presses Tab until a submit button whose text includes label has the focus, then Enter;
 * returns the response of the navigation. */
async function submitByKeyboard(page, label) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      const el = document.activeElement;
      return el && el.tagName === 'BUTTON' && el.type === 'submit' ? el.innerText : '';
    });
    if (text.includes(label)) {
      const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      return response;
    }
  }
  throw new Error(`Tab never reached a "${label}" button`);
}

async function signIn(page, base, username) {
  const response = await page.goto(base + '/staff/login');
  assertEqual(response.status(), 200, 'sign-in page status');
  await tabTo(page, 'username');
  await page.keyboard.type(username);
  await tabTo(page, 'password');
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assertEqual(new URL(page.url()).pathname, '/staff/', `${username} is signed in`);
}

/* The view model of a page, with the page's cookies. */
async function viewOf(page, url) {
  const response = await page.request.get(url, { headers: { Accept: 'application/json' } });
  assertEqual(response.status(), 200, `JSON of ${url}`);
  return response.json();
}

/* Full-width digits (０..９), as some phone keyboards type them. */
function fullWidth(digits) {
  return [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
}

test('the clerk takes a case in by keyboard and prints the receipt', async (ctx) => {
  const base = ctx.server.base;
  const page = await newPage(ctx, 1280);
  await signIn(page, base, 'xinxing-clerk');
  await checkA11y(page, 'staff home');

  // From the staff home to the intake page, by keyboard.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
    if (href === '/staff/intake') break;
  }
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assertEqual(new URL(page.url()).pathname, '/staff/intake', 'the intake page');
  await checkA11y(page, 'intake: choose the service');

  await chooseByKeyboard(page, 'service', SERVICE);
  await submitByKeyboard(page, '選擇項目');
  assert(new URL(page.url()).searchParams.get('service'), 'the service is chosen');
  assert(!new URL(page.url()).searchParams.has('ticket'), 'no ticket=0 in the address without a ticket');
  // The keyboard starts at the applicant's name (it started at the page's top, eight Tabs away).
  assertEqual(await focusedId(page), 'applicant_name', 'the focus is on the name after choosing');
  const documents = page.locator('.govuk-checkboxes__input');
  assert((await documents.count()) >= 2, 'the service lists its documents');
  await checkA11y(page, 'intake: the applicant and documents');

  // First with a wrong ID number (bad check digit): the form says so and keeps what was typed.
  await page.keyboard.type(APPLICANT);
  await tabTo(page, 'applicant_id');
  await page.keyboard.type('A123456788');
  await tabTo(page, 'applicant_phone');
  await page.keyboard.type('0912345678');
  let response = await submitByKeyboard(page, '收件並列印收據');
  assertEqual(response.status(), 400, 'a wrong ID number is refused');
  const summary = page.locator('.govuk-error-summary');
  assertEqual(await summary.count(), 1, 'an error summary');
  assert((await summary.innerText()).includes('身分證統一編號'), 'the summary names the ID number');
  assertEqual(await page.inputValue('#applicant_name'), APPLICANT, 'the name is kept');
  await checkA11y(page, 'intake: error');

  await page.focus('#applicant_id');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('A123456789');
  await chooseByKeyboard(page, 'notify', '簡訊');
  const first = await documents.nth(0).getAttribute('id');
  const second = await documents.nth(1).getAttribute('id');
  await tabTo(page, first);
  await page.keyboard.press('Space');
  await tabTo(page, second);
  await page.keyboard.press('Space');
  assert(await documents.nth(0).isChecked(), 'the first document is ticked');
  assert(await documents.nth(1).isChecked(), 'the second document is ticked');
  await chooseByKeyboard(page, 'handler_id', HANDLER_NAME);
  response = await submitByKeyboard(page, '收件並列印收據');
  assertEqual(response.status(), 200, 'the receipt after the redirect');
  const url = new URL(page.url());
  const match = url.pathname.match(/^\/staff\/cases\/([0-9]+)\/receipt$/);
  assert(match, `on the receipt: ${url.pathname}`);
  journey.caseId = match[1];
  journey.token = url.searchParams.get('t');
  assert(journey.token && journey.token.length === 43, 'the receipt URL carries the QR token');

  const view = await viewOf(page, `${base}/staff/cases/${journey.caseId}`);
  const c = view.case;
  journey.key = c.case_key;
  journey.check = c.check_code;
  journey.number = c.number;
  assertEqual(c.handler_name, HANDLER_NAME, 'the chosen handler');
  assertEqual(JSON.parse(c.documents).length, 2, 'two documents recorded');

  const receipt = page.locator('.bm-receipt');
  const text = await receipt.innerText();
  assert(text.includes(c.number), `the receipt shows the number ${c.number}`);
  assert(text.includes(c.case_key), 'and its short key');
  assertEqual((await page.locator('.bm-receipt__code').innerText()).trim(), c.check_code, 'the check code');
  assert(/^[0-9]{6}$/.test(c.check_code), 'a 6-digit check code');
  assert(text.includes(HANDLER_NAME), 'the handler');
  assert(c.counter && text.includes(c.counter), `the counter ${c.counter}`);
  assert(text.includes(MASKED) && !text.includes(APPLICANT), 'the masked applicant name');
  const qr = page.locator('.bm-receipt__qr img');
  assertEqual(await qr.count(), 1, 'a QR image');
  assertEqual(await qr.getAttribute('src'), `/p/${journey.token}/qr.svg`, 'the QR points at the progress link');
  assert(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR image loads');
  assert((await qr.getAttribute('alt')).length > 0, 'the QR image has a text alternative');
  await checkA11y(page, 'receipt');

  await page.emulateMedia({ media: 'print' });
  assertEqual(await page.locator('.bm-staffbar').isVisible(), false, 'no staff bar on paper');
  assertEqual(await page.locator('.bm-noprint').first().isVisible(), false, 'no back link on paper');
  assert(await receipt.isVisible(), 'the receipt itself is printed');
  assert(await qr.isVisible(), 'with its QR code');
  await page.emulateMedia({ media: 'screen' });
  assert(await page.locator('.bm-staffbar').isVisible(), 'the staff bar is back on screen');
});

async function openProgressLink(ctx, width) {
  const page = await newPage(ctx, width);
  const response = await page.goto(`${ctx.server.base}/p/${journey.token}`);
  assertEqual(response.status(), 200, `the QR link at ${width}px`);
  return page;
}

test('a citizen opens the QR link on a phone', async (ctx) => {
  need('token');
  for (const width of WIDTHS) {
    const page = await openProgressLink(ctx, width);
    assertEqual((await page.locator('.bm-status__step').innerText()).trim(), '已收件', 'status 已收件');
    const main = await page.locator('main').innerText();
    assert(main.includes(MASKED), 'the masked name');
    assert(!main.includes(APPLICANT) && !main.includes('A123456789'), 'no personal data');
    assert(main.includes(journey.number), 'the case number');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `no sideways scrolling at ${width}px (${overflow}px too wide)`);
    await checkA11y(page, `progress link ${width}px`);
  }
});

test('the handler opens the case from the work list and asks for a correction', async (ctx) => {
  need('caseId', 'key');
  const base = ctx.server.base;
  const page = await newPage(ctx, 1280);
  await signIn(page, base, 'xinxing-handler');
  await page.goto(`${base}/staff/cases`);
  await checkA11y(page, 'work list');
  const link = page.locator('main table a', { hasText: journey.key });
  assertEqual(await link.count(), 1, 'the new case is in the handler\'s work list');
  await Promise.all([page.waitForNavigation(), link.click()]);
  assertEqual(new URL(page.url()).pathname, `/staff/cases/${journey.caseId}`, 'the case page');
  assertEqual((await page.locator('main h1').innerText()).trim(), journey.number, 'its number');
  await checkA11y(page, 'case page');

  await page.focus('#items');
  await page.keyboard.type(ITEMS[0]);
  await page.keyboard.press('Enter');
  await page.keyboard.type(ITEMS[1]);
  const button = page.locator('form[action$="/correction"] button[type=submit]');
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  assertEqual(response.status(), 200, 'back on the case page');
  assertEqual(new URL(page.url()).pathname, `/staff/cases/${journey.caseId}`, 'the case page again');
  const status = (await page.locator('main .govuk-tag').first().innerText()).trim();
  assertEqual(status, '待補正', 'the case waits for the correction');
  const main = await page.locator('main').innerText();
  for (const item of ITEMS) assert(main.includes(item), `the case lists ${item}`);
  await checkA11y(page, 'case page in correction');
  // The notices' table: the link in each text wraps, and leaves the event column room for
  // 補正通知 on one line (it took the width and squeezed the column to a character a line).
  const eventCell = page.locator('tr.bm-message td').first();
  const eventWidth = await eventCell.evaluate((td) => td.getBoundingClientRect().width);
  assert(eventWidth >= 64, `the notices' event column is ${eventWidth}px wide, not squeezed`);

  const view = await viewOf(page, `${base}/staff/cases/${journey.caseId}`);
  journey.deadlineText = view.case.correction_deadline_text;
  assert(journey.deadlineText, 'a correction deadline');
});

test('the citizen reloads and sees both items and the deadline', async (ctx) => {
  need('token', 'deadlineText');
  for (const width of WIDTHS) {
    const page = await openProgressLink(ctx, width);
    await page.reload();
    assertEqual((await page.locator('.bm-status__step').innerText()).trim(), '待補正', 'status 待補正');
    const items = await page.locator('main ul.govuk-list li').allInnerTexts();
    assertEqual(JSON.stringify(items.map((s) => s.trim())), JSON.stringify(ITEMS), 'both items');
    const warning = await page.locator('.govuk-warning-text').innerText();
    assert(warning.includes(journey.deadlineText), `the deadline ${journey.deadlineText}`);
    const history = await page.locator('.bm-timeline').innerText();
    assert(history.includes('待補正'), 'the history shows the correction');
    assert(!history.includes('xinxing-'), 'no staff names');
    await checkA11y(page, `progress link in correction ${width}px`);
  }
});

test('the citizen looks the case up by number and check code', async (ctx) => {
  need('key', 'check', 'deadlineText');
  const base = ctx.server.base;
  for (const width of WIDTHS) {
    const page = await newPage(ctx, width);
    const response = await page.goto(`${base}/o/xinxing/progress`);
    assertEqual(response.status(), 200, 'the lookup form');
    await checkA11y(page, `lookup form ${width}px`);

    // A wrong check code: one polite answer, the number kept.
    const wrong = journey.check.slice(0, 5) + ((Number(journey.check[5]) + 1) % 10);
    await tabTo(page, 'number');
    await page.keyboard.type(journey.key);
    await tabTo(page, 'check');
    await page.keyboard.type(wrong);
    let [answer] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assertEqual(answer.status(), 404, 'a wrong check code finds nothing');
    const summary = await page.locator('.govuk-error-summary').innerText();
    assert(summary.includes('查無符合的案件'), 'the polite not-found message');
    assert(!(await page.locator('main').innerText()).includes(MASKED), 'nothing of the case shows');
    assertEqual(await page.inputValue('#number'), journey.key, 'the number is kept');
    await checkA11y(page, `lookup not found ${width}px`);

    // The right code, typed in full-width digits.
    await page.fill('#check', '');
    await page.focus('#check');
    await page.keyboard.type(fullWidth(journey.check));
    [answer] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assertEqual(answer.status(), 200, 'full-width digits find the case');
    assertEqual((await page.locator('.bm-status__step').innerText()).trim(), '待補正', 'its status');
    const main = await page.locator('main').innerText();
    for (const item of ITEMS) assert(main.includes(item), `the lookup lists ${item}`);
    assert(main.includes(journey.deadlineText), 'and the deadline');
    assert(main.includes(MASKED), 'the masked name');
    await checkA11y(page, `lookup result ${width}px`);
  }
});

await runWithServerAndBrowser();
