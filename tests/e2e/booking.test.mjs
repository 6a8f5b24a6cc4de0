// booking.test.mjs - a citizen books a visit on a phone-sized page (320 px) by keyboard only:
// the service, a day, a time, name and phone; the confirmation shows the booking number and the
// private link's QR code; at the kiosk page the number checks the booking in (on time) and
// gives a queue number whose ticket page follows it in the counter line. Every
// page passes axe (WCAG 2.1 A/AA) and does not scroll sideways at 320 px, in both languages.
// The staff's booking pages (the day list, the figures, the settings) pass axe and fit 320 px.
// The server runs at a fixed time (BIANMIN_FAKE_NOW: Tuesday 2026-03-10 09:00 in Taipei), so
// today has free times left and the booking can be checked in on the same day.

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
  addAdmin,
  totp,
} from './lib.mjs';

const OFFICE = '/o/xinxing';
const WIDTH = 320;
process.env.BIANMIN_FAKE_NOW = String(1773104400); /* 2026-03-10 09:00 +08:00 */

async function fitsWidth(page, label) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(scroll <= WIDTH, `${label}: the page scrolls sideways (${scroll}px > ${WIDTH}px)`);
}

async function checkPage(page, label) {
  await checkA11y(page, label);
  await fitsWidth(page, label);
}

/* Moves the focus to selector and presses key, waiting for the navigation it causes. */
async function pressOn(page, selector, key = 'Enter') {
  await page.focus(selector);
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  return response;
}

for (const locale of ['zh-TW', 'en']) {
  test(`a citizen books by keyboard at 320px and checks in at the kiosk (${locale})`, async (ctx) => {
    const context = await newContext(ctx.browser, WIDTH, { locale, isMobile: true, hasTouch: true });
    ctx.defer(() => context.close());
    const page = await context.newPage();
    ctx.screenshotOnFailure(page);
    const lang = locale === 'en' ? '?lang=en' : '?lang=zh-TW';
    assertEqual((await page.goto(ctx.server.base + `${OFFICE}/book${lang}`)).status(), 200, 'book page');
    await checkPage(page, `choices ${locale}`);

    await pressOn(page, '#services a');
    await checkPage(page, `days ${locale}`);
    await pressOn(page, '#days a'); /* the first day with free times: today */
    await checkPage(page, `times ${locale}`);

    /* the first free time by keyboard: focus the radio group, Space selects */
    await page.focus('#slot input:not([disabled])');
    await page.keyboard.press('Space');
    assert(await page.isChecked('#slot input:not([disabled]) >> nth=0'), 'a time is chosen');
    await typeInto(page, 'name', locale === 'en' ? 'Lee Wei' : '王小明');
    await typeInto(page, 'phone', '0912345678');
    const done = await pressOn(page, '#phone');
    assertEqual(done.status(), 200, 'the confirmation page');
    const number = (await page.locator('#booking-number').innerText()).trim();
    assert(/^B[0-9]{6}$/.test(number), `a booking number: ${number}`);
    assert((await page.locator('img[src$="/qr.svg"]').count()) === 1, 'the QR code of the link');
    assert(new URL(page.url()).pathname.startsWith('/b/'), `the private link: ${page.url()}`);
    await checkPage(page, `confirmation ${locale}`);

    /* the kiosk: type the number, Enter */
    await page.goto(ctx.server.base + `${OFFICE}/book/checkin${lang}`);
    await checkPage(page, `kiosk ${locale}`);
    await page.focus('#number'); /* a scanner types into the focused field */
    await page.keyboard.type(number);
    const checked = await pressOn(page, '#number');
    assertEqual(checked.status(), 200, 'checked in');
    const panel = await page.locator('#checked-in').innerText();
    assert(panel.length > 0, 'the check-in panel');
    const body = await page.locator('body').innerText();
    assert(body.includes(locale === 'en' ? 'on time' : '準時'), `on time: ${body.slice(0, 400)}`);
    /* the check-in put the citizen in the counter line: a queue number to follow (issue 18) */
    const code = (await page.locator('#booking-ticket-code').innerText()).trim();
    assert(/^[A-Z]{1,2}[0-9]{3,}$/.test(code), `a queue number: ${code}`);
    await checkPage(page, `kiosk checked in ${locale}`);
    const follow = page.locator('#booking-ticket a');
    const ticketHref = await follow.getAttribute('href');
    assert(/^\/q\/[A-Za-z0-9_-]{43}/.test(ticketHref), `the ticket's link: ${ticketHref}`);
    const ticket = await context.newPage();
    assertEqual((await ticket.goto(ctx.server.base + ticketHref)).status(), 200, 'the ticket page');
    const shown = (await ticket.locator('.bm-ticket__number').innerText()).trim();
    assert(shown.endsWith(code), `the ticket page shows ${code}: ${shown}`);
    await ticket.close();

    /* the same number again: refused with the reason at the field */
    await page.focus('#number');
    await page.keyboard.type(number);
    const again = await pressOn(page, '#number');
    assertEqual(again.status(), 400, 'a second check-in is refused');
    assert((await page.locator('.govuk-error-summary').count()) === 1, 'the error summary');
    await checkPage(page, `kiosk refusal ${locale}`);
  });
}

const ADMIN = 'e2e-booking-admin';
const ADMIN_PASSWORD = 'amber-ferry-willow-27';

async function signIn(page, base, user, password) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
}

async function staffPages(ctx, signInAs, paths) {
  const context = await newContext(ctx.browser, WIDTH);
  ctx.defer(() => context.close());
  const page = await context.newPage();
  ctx.screenshotOnFailure(page);
  await signInAs(page);
  for (const lang of ['zh-TW', 'en']) {
    for (const p of paths) {
      const response = await page.goto(`${ctx.server.base}${p}?lang=${lang}`);
      assertEqual(response.status(), 200, `${p} (${lang})`);
      await checkPage(page, `${p} (${lang})`);
    }
  }
}

test('the day list and the figures at 320px (supervisor)', async (ctx) => {
  await staffPages(ctx, (page) => signIn(page, ctx.server.base, 'xinxing-supervisor', 'bianmin-demo-2026'),
    ['/staff/bookings/today', '/staff/reports/bookings']);
});

test('the booking settings at 320px (admin)', async (ctx) => {
  await staffPages(ctx, async (page) => {
    await signIn(page, ctx.server.base, ADMIN, ADMIN_PASSWORD);
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.fill('#code', totp(secret));
    await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
  }, ['/staff/admin/bookings']);
});

runTests({
  before: async () => {
    const server = await startServer();
    try {
      await addAdmin(server, { office: 'xinxing', username: ADMIN, name: '預約管理員', password: ADMIN_PASSWORD });
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
