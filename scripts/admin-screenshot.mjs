// Screenshot of the admin dashboard with real data, for docs/admin-dashboard.png.
//   node scripts/admin-screenshot.mjs http://127.0.0.1:5173 [docs/admin-dashboard.png]
// Against the app's dev server in its embedded mode (PGlite in the page): signs in as the attendee
// Ada, generates her certificates (the browser worker really runs them), switches to the embedded
// admin, opens /admin and saves the page. Needs Debian's Chromium (CHROMIUM_PATH to override).
import { chromium } from 'playwright-core';

const appUrl = (process.argv[2] ?? '').replace(/\/$/, '');
const output = process.argv[3] ?? 'docs/admin-dashboard.png';
if (!appUrl) {
  console.error('usage: node scripts/admin-screenshot.mjs <app url> [output.png]');
  process.exit(2);
}
const ADA = '00000000-0000-4000-8000-00000000a7a1';
const ADMIN = '00000000-0000-4000-8000-0000000ad001';

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

  // 1. Real jobs: Ada generates her certificates and her tab's worker runs them.
  await page.addInitScript((userId) => {
    if (!sessionStorage.getItem('tessera:screenshot')) localStorage.setItem('tessera:user', userId);
  }, ADA);
  await page.goto(appUrl);
  await page.getByRole('heading', { name: 'My events' }).waitFor({ timeout: 60_000 });
  for (const button of await page.getByRole('button', { name: 'Generate Certificate' }).all()) await button.click();
  await page.waitForFunction(() => !document.body.textContent?.includes('Processing'), null, { timeout: 60_000 });
  await page.waitForTimeout(2_000);

  // 2. The admin's view of them.
  await page.evaluate((userId) => {
    sessionStorage.setItem('tessera:screenshot', '1');
    localStorage.setItem('tessera:user', userId);
  }, ADMIN);
  await page.goto(`${appUrl}/admin`);
  await page.getByRole('heading', { name: 'Queue dashboard' }).waitFor({ timeout: 60_000 });
  await page.getByRole('table', { name: 'Jobs per type and state' }).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_500); // the chart's first paint
  await page.screenshot({ path: output, fullPage: true });
  console.log(`saved ${output}`);
} finally {
  await browser.close();
}
