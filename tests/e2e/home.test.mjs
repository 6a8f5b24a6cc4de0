// home.test.mjs - the public home page and an office's home page in both languages at phone and
// desktop widths: page language, content, skip link, language switch, axe (WCAG 2.1 A/AA); and
// the 404 page in both languages.

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

const OFFICE_SLUG = 'xinxing';
const OFFICE_NAME_ZH = '高雄市政府地政局新興地政事務所';
const WIDTHS = [320, 1280];
const LANGS = {
  'zh-TW': { query: '', htmlLang: 'zh-Hant-TW', other: 'en', otherHtmlLang: 'en' },
  en: { query: '?lang=en', htmlLang: 'en', other: 'zh-TW', otherHtmlLang: 'zh-Hant-TW' },
};
const PAGES = ['/', `/o/${OFFICE_SLUG}/`];

/*
 * Opens path in a fresh context (no language cookie) whose browser prefers Traditional Chinese,
 * so `?lang=en` is what makes a page English and the default really is zh-TW.
 */
async function open(ctx, width, path, expectStatus = 200) {
  const context = await newContext(ctx.browser, width, { locale: 'zh-TW' });
  const page = await context.newPage();
  ctx.defer(() => context.close());
  ctx.screenshotOnFailure(page);
  const response = await page.goto(ctx.server.base + path);
  assert(response, `no response for ${path}`);
  assertEqual(response.status(), expectStatus, `HTTP status of ${path}`);
  return page;
}

const htmlLang = (page) => page.evaluate(() => document.documentElement.getAttribute('lang'));

/* Tab from the top of the page reaches the skip link first; Enter moves focus into <main>. */
async function checkSkipLink(page) {
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName, href: el.getAttribute('href'), text: el.textContent.trim() };
  });
  assertEqual(focused.tag, 'A', 'first Tab focuses a link');
  assertEqual(focused.href, '#main-content', 'first Tab focuses the skip link');
  assert(focused.text.length > 0, 'the skip link has text');
  assert(await page.locator('a[href="#main-content"]').isVisible(), 'the focused skip link is visible');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main-content', null, {
    timeout: 2000,
  });
  assertEqual(await page.evaluate(() => document.activeElement.tagName), 'MAIN', 'focus after the skip link');
}

/* The language switch leads to the same page in the other language. */
async function checkLanguageSwitch(page, lang) {
  const { other, otherHtmlLang } = LANGS[lang];
  const link = page.locator(`a[hreflang="${otherHtmlLang}"]`).first();
  assertEqual(await link.count(), 1, `a language switch link to ${other}`);
  assertEqual(await link.getAttribute('lang'), otherHtmlLang, 'the switch link is marked with its own language');
  const oldUrl = page.url();
  const before = new URL(oldUrl).pathname;
  await link.click();
  await page.waitForURL((url) => url.href !== oldUrl);
  await page.waitForLoadState('load');
  assertEqual(await htmlLang(page), otherHtmlLang, `html lang after switching to ${other}`);
  assertEqual(new URL(page.url()).pathname, before, 'the switch stays on the same page');
}

for (const path of PAGES) {
  for (const [lang, info] of Object.entries(LANGS)) {
    for (const width of WIDTHS) {
      test(`${path} ${lang} ${width}px`, async (ctx) => {
        const page = await open(ctx, width, path + info.query);
        const label = `${path}${info.query} at ${width}px`;

        assertEqual(await htmlLang(page), info.htmlLang, `html lang of ${label}`);
        const title = await page.title();
        assert(title.trim().length > 0, `${label} has a title`);

        if (path === '/') {
          const office = page.locator(`main a[href*="/o/${OFFICE_SLUG}"]`).first();
          assertEqual(await office.count(), 1, `${label} links to the ${OFFICE_SLUG} office`);
          if (lang === 'zh-TW') {
            assert((await office.innerText()).includes(OFFICE_NAME_ZH), `${label} names ${OFFICE_NAME_ZH}`);
          }
        } else {
          const h1 = (await page.locator('main h1').first().innerText()).trim();
          assert(h1.length > 0, `${label} has an h1`);
          if (lang === 'zh-TW') assertEqual(h1, OFFICE_NAME_ZH, `h1 of ${label}`);
          const q = page.locator('main form[method="get"] input[name="q"]');
          assertEqual(await q.count(), 1, `${label} has a search box`);
          const qId = await q.getAttribute('id');
          assertEqual(await page.locator(`label[for="${qId}"]`).count(), 1, 'the search box is labelled');
        }

        // No sideways scrolling at 320px (WCAG 1.4.10 Reflow).
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(scrollWidth <= width, `${label} scrolls sideways: ${scrollWidth}px wide`);

        await checkA11y(page, label);
        await checkSkipLink(page);
        await checkLanguageSwitch(page, lang);
        await checkA11y(page, `${label} after switching language`);
      });
    }
  }
}

for (const [lang, info] of Object.entries(LANGS)) {
  test(`404 page ${lang}`, async (ctx) => {
    const path = '/no-such-page' + info.query;
    const page = await open(ctx, 320, path, 404);
    assertEqual(await htmlLang(page), info.htmlLang, `html lang of ${path}`);
    assert((await page.locator('main h1').first().innerText()).trim().length > 0, `${path} has an h1`);
    assert((await page.locator('main a[href="/"]').count()) > 0, `${path} links home`);
    await checkA11y(page, path);
  });
}

await runWithServerAndBrowser();
