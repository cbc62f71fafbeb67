// Screenshot of the admin dashboard with real data, for docs/admin-dashboard.png.
//   node scripts/admin-screenshot.mjs http://127.0.0.1:5173 [docs/admin-dashboard.png]
// Against the app's dev server in its embedded mode (PGlite in the page): signs in as the attendee
// Ada, generates her certificates (the browser worker really runs them), then Boris, whose
// certificates fail because the fonts are blocked, switches to the embedded admin, opens /admin and
// saves the page. Needs Debian's Chromium (CHROMIUM_PATH to override).
import { chromium } from 'playwright-core';

const appUrl = (process.argv[2] ?? '').replace(/\/$/, '');
const output = process.argv[3] ?? 'docs/admin-dashboard.png';
if (!appUrl) {
  console.error('usage: node scripts/admin-screenshot.mjs <app url> [output.png]');
  process.exit(2);
}
const ADA = '00000000-0000-4000-8000-00000000a7a1';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));

  // Sign-in is the embedded user switcher, as a person would use it.
  const switchUser = async (label) => {
    const select = page.getByLabel('Signed in as');
    const value = await select.locator('option', { hasText: label }).getAttribute('value');
    await select.selectOption(value);
  };
  const openEvents = async () => {
    await page.getByRole('link', { name: 'My events' }).click();
    await page.getByRole('heading', { name: 'My events' }).waitFor({ timeout: 60_000 });
  };
  const generateAll = async () => {
    // Events that have not ended yet keep a disabled button.
    const buttons = page.locator('button:not([disabled])', { hasText: 'Generate Certificate' });
    await buttons.first().waitFor({ timeout: 60_000 });
    // Each click turns its button into the job's status, so click the first until none is left.
    let clicked = 0;
    for (let left = await buttons.count(); left > 0; ) {
      await buttons.first().click();
      clicked += 1;
      while ((await buttons.count()) >= left) await page.waitForTimeout(100);
      left = await buttons.count();
    }
    // Done when every certificate is either downloadable or failed for good (a Retry button).
    const finished = async () =>
      (await page.getByRole('button', { name: 'Download PDF' }).count()) +
      (await page.getByRole('button', { name: 'Retry' }).count());
    const deadline = Date.now() + 180_000;
    while ((await finished()) < clicked) {
      if (Date.now() > deadline) throw new Error(`only ${await finished()} of ${clicked} certificates finished`);
      await page.waitForTimeout(500);
    }
  };

  // 1. Real jobs, run by each user's own browser worker: Ada's certificates all succeed...
  await context.addInitScript((userId) => {
    if (!localStorage.getItem('tessera:user')) localStorage.setItem('tessera:user', userId);
  }, ADA);
  await page.goto(appUrl);
  await page.getByRole('heading', { name: 'My events' }).waitFor({ timeout: 60_000 });
  await generateAll();
  console.log('Ada: certificates generated');
  // ...then Boris's, with the Unicode font files blocked (a certificate that needs one fails).
  await context.route('**/*.ttf', (route) => route.abort());
  await switchUser(/Борис/);
  await openEvents();
  await generateAll();
  console.log('Boris: certificates generated or failed');
  await context.unroute('**/*.ttf');

  // 2. The admin's view of them.
  await switchUser(/Queue admin/);
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('heading', { name: 'Queue dashboard' }).waitFor({ timeout: 60_000 });
  await page.getByRole('table', { name: 'Jobs per type and state' }).waitFor({ timeout: 30_000 }).catch(async (error) => {
    await page.screenshot({ path: `${output}.failed.png`, fullPage: true });
    throw error;
  });
  await page.waitForTimeout(1_500); // the chart's first paint
  await page.screenshot({ path: output, fullPage: true });
  console.log(`saved ${output}`);
} catch (error) {
  const [page] = browser.contexts().flatMap((context) => context.pages());
  await page?.screenshot({ path: `${output}.failed.png`, fullPage: true });
  console.error(`failed; the page at that moment: ${output}.failed.png`);
  throw error;
} finally {
  await browser.close();
}
