// tools.test.mjs - a citizen uses each land-office calculator by keyboard (area, increment tax,
// registration fee, boundary survey, viewing), sees the result and a refusal, and a parcel
// lookup feeds the tax calculator; every page passes axe (WCAG 2.1 A/AA) at 320 and 1280 px.

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

const OFFICE = '/o/xinxing';

async function open(ctx, width, path) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  const response = await page.goto(ctx.server.base + path);
  assertEqual(response.status(), 200, `${path} status`);
  return page;
}

/* Submits the form of the focused field with Enter and waits for the answer. */
async function submitByEnter(page) {
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  return response;
}

for (const width of [320, 1280]) {
  test(`area conversion by keyboard at ${width}px`, async (ctx) => {
    const page = await open(ctx, width, `${OFFICE}/tools/area`);
    await checkA11y(page, `area form ${width}px`);
    await typeInto(page, 'value', '１，２１０');
    await submitByEnter(page);
    const result = await page.locator('#result').innerText();
    assert(result.includes('366.025'), `1,210 m² is 366.025 坪: ${result}`);
    assert((await page.locator('body').innerText()).includes('1 坪 = 400/121 平方公尺'), 'definitions');
    await checkA11y(page, `area result ${width}px`);

    await page.fill('#value', 'abc');
    await page.focus('#value');
    const response = await submitByEnter(page);
    assertEqual(response.status(), 400, 'a bad area is refused');
    const summary = await page.locator('.govuk-error-summary').innerText();
    assert(summary.includes('面積：請輸入數字'), `the summary names the field: ${summary}`);
    await checkA11y(page, `area refusal ${width}px`);
  });

  test(`increment tax estimate by keyboard at ${width}px`, async (ctx) => {
    const page = await open(ctx, width, `${OFFICE}/tools/tax`);
    await checkA11y(page, `tax form ${width}px`);
    await typeInto(page, 'area_m2', '500');
    await typeInto(page, 'current_value', '80,000');
    await typeInto(page, 'previous_value', '2000');
    await typeInto(page, 'cpi', '500');
    await typeInto(page, 'holding_years', '23');
    await submitByEnter(page);
    assertEqual((await page.locator('#tax-payable').innerText()).trim(), 'NT$11,400,000', 'the exam example');
    const result = await page.locator('#result').innerText();
    assert(result.includes('a × 36% − B × 24%'), 'the formula is shown');
    assert(result.includes('以稅捐稽徵機關核定為準'), 'it says it is an estimate');
    await checkA11y(page, `tax result ${width}px`);
  });

  test(`fee estimates by keyboard at ${width}px`, async (ctx) => {
    const page = await open(ctx, width, `${OFFICE}/tools/fees`);
    await checkA11y(page, `fees form ${width}px`);
    await typeInto(page, 'reg_value', '1000000');
    await typeInto(page, 'reg_sheets', '2');
    await submitByEnter(page);
    assert((await page.locator('#registration-result').innerText()).includes('NT$1,160'), '1‰ + 2 deeds');
    await checkA11y(page, `registration result ${width}px`);

    await page.goto(ctx.server.base + `${OFFICE}/tools/fees`);
    await typeInto(page, 'survey_area_m2_1', '150');
    await typeInto(page, 'survey_points_1', '6');
    await submitByEnter(page);
    assert((await page.locator('#survey-result').innerText()).includes('NT$4,500'), '2,500 + 2 × 1,000');
    await checkA11y(page, `survey result ${width}px`);

    await page.goto(ctx.server.base + `${OFFICE}/tools/fees`);
    await typeInto(page, 'view_parcels', '2');
    await typeInto(page, 'view_minutes', '12');
    await submitByEnter(page);
    assert((await page.locator('#viewing-result').innerText()).includes('NT$120'), '2 × 3 × 20');
    await checkA11y(page, `viewing result ${width}px`);
  });

  test(`a parcel lookup feeds the tax calculator at ${width}px`, async (ctx) => {
    const page = await open(ctx, width, `${OFFICE}/parcels`);
    await checkA11y(page, `parcel form ${width}px`);
    await page.selectOption('#section', '0001');
    await typeInto(page, 'number', '100');
    await submitByEnter(page);
    const result = await page.locator('#result').innerText();
    assert(result.includes('新興段 100') && result.includes('80,000'), `the parcel: ${result}`);
    await checkA11y(page, `parcel result ${width}px`);

    await Promise.all([page.waitForNavigation(), page.click('#use-tax')]);
    assertEqual(await page.inputValue('#area_m2'), '500', 'the area is carried over');
    assertEqual(await page.inputValue('#current_value'), '80000', 'the current value is carried over');
    assertEqual(await page.inputValue('#previous_value'), '2000', 'the previous value is carried over');
    await typeInto(page, 'cpi', '500');
    await submitByEnter(page);
    assertEqual((await page.locator('#tax-payable').innerText()).trim(), 'NT$11,400,000',
      'held since 2003: more than 20 years');
    await checkA11y(page, `tax from a parcel ${width}px`);
  });

  test(`resurvey and address lookups at ${width}px`, async (ctx) => {
    const page = await open(ctx, width, `${OFFICE}/parcels/resurvey`);
    await page.selectOption('#old_section', '0901');
    await typeInto(page, 'old_number', '300');
    await submitByEnter(page);
    assert((await page.locator('#result').innerText()).includes('新興段 100'), 'old 300 is new 100');
    await checkA11y(page, `resurvey result ${width}px`);

    await page.goto(ctx.server.base + `${OFFICE}/parcels/address`);
    await typeInto(page, 'address', '中正三路55號');
    await submitByEnter(page);
    assert((await page.locator('#result').innerText()).includes('新興段 100'), 'the address is found');
    await checkA11y(page, `address result ${width}px`);
  });
}

await runWithServerAndBrowser();
