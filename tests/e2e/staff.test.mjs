// staff.test.mjs - a clerk signs in by keyboard, mistypes the password first, reaches the staff
// home and signs out; each page at phone and desktop width passes axe (WCAG 2.1 A/AA).

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
  typeInto,
} from './lib.mjs';

const USER = 'xinxing-clerk';
const PASSWORD = 'bianmin-demo-2026';

async function openLogin(ctx, width) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  const response = await page.goto(ctx.server.base + '/staff/login');
  assertEqual(response.status(), 200, 'sign-in page status');
  return page;
}

for (const width of [320, 1280]) {
  test(`sign in, wrong password, sign out at ${width}px`, async (ctx) => {
    const page = await openLogin(ctx, width);
    await checkA11y(page, `sign-in page ${width}px`);

    await typeInto(page, 'username', USER);
    await typeInto(page, 'password', 'not-my-password');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const summary = page.locator('.govuk-error-summary');
    assertEqual(await summary.count(), 1, 'an error summary after a wrong password');
    assert((await summary.innerText()).includes('帳號或密碼不正確'), 'the summary says why');
    assertEqual(await page.inputValue('#username'), USER, 'the username is kept');
    await checkA11y(page, `sign-in error ${width}px`);

    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
    assertEqual(new URL(page.url()).pathname, '/staff/', 'signed in lands on the staff home');
    assert((await page.locator('.bm-staffbar').innerText()).includes(USER), 'the bar names the user');
    await checkA11y(page, `staff home ${width}px`);

    await Promise.all([page.waitForNavigation(), page.click('.bm-staffbar button[type=submit]')]);
    assertEqual(new URL(page.url()).pathname, '/staff/login', 'signed out: back to sign-in');
    const back = await page.goto(ctx.server.base + '/staff/');
    assertEqual(new URL(page.url()).pathname, '/staff/login', 'the staff home needs a sign-in again');
    assert(back.ok(), 'the sign-in page answers');
  });
}

await runWithServerAndBrowser();
