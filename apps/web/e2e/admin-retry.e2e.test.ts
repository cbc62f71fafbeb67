import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_FIRST_START_MS, chromiumAvailable, CHROMIUM_PATH, launchChromium } from './support/chromium';

const BORIS = '00000000-0000-4000-8000-00000000b0b1';
const MOSCOW_EVENT = '10000000-0000-4000-8000-000000000003'; // Cyrillic name: needs the embedded font

// Without Debian's Chromium there is no browser to drive: .ci/run installs it; elsewhere say so.
describe.skipIf(!chromiumAvailable)(`an admin rescues a failed certificate in real Chromium (${CHROMIUM_PATH})`, () => {
  let browser: Browser;
  let context: BrowserContext;
  const appUrl = inject('appUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext();
    await context.addInitScript((userId) => {
      if (!localStorage.getItem('tessera:user')) localStorage.setItem('tessera:user', userId);
    }, BORIS);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  const switchUser = async (page: Page, label: RegExp) => {
    const select = page.getByLabel('Signed in as');
    const value = await select.locator('option', { hasText: label }).getAttribute('value');
    await select.selectOption(value!);
  };

  it('a certificate fails (its font cannot load), the admin retries it, and it is done', async () => {
    // Make the certificate fail for real: the Unicode font files cannot be fetched.
    await context.route('**/*.ttf', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.getByRole('heading', { name: 'My events' }).waitFor({ timeout: APP_FIRST_START_MS });
    const card = page.getByTestId(`event-${MOSCOW_EVENT}`);
    await card.getByRole('button', { name: 'Generate Certificate' }).click();
    // Three attempts with backoff (about 2 s, then 4 s), then failed for good.
    await expect.poll(async () => (await card.textContent()) ?? '', { timeout: 60_000 }).toMatch(/Failed/);
    await expect.poll(async () => card.getByRole('button', { name: 'Retry' }).count(), { timeout: 30_000 }).toBe(1);

    await context.unroute('**/*.ttf');
    await switchUser(page, /Queue admin/);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('form', { name: 'Job filters' }).getByLabel('State').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const details = page.getByRole('button', { name: /^Details of certificate job / });
    await expect.poll(() => details.count(), { timeout: 30_000 }).toBe(1);
    await details.click();
    await expect.poll(async () => (await page.textContent('main')) ?? '', { timeout: 30_000 }).toMatch(/Errors \(3\).*could not load the certificate font/); // every attempt's reason
    await page.getByRole('button', { name: 'Retry job' }).click();
    await page.getByRole('button', { name: 'Confirm: Retry job' }).click();

    // The job is Boris's: his browser worker runs it (a user's worker claims only that user's jobs).
    await switchUser(page, /Борис/);
    await page.getByRole('link', { name: 'My events' }).click();
    const after = page.getByTestId(`event-${MOSCOW_EVENT}`);
    await expect.poll(() => after.getByRole('button', { name: 'Download PDF' }).count(), { timeout: 60_000 }).toBe(1);

    // And the admin sees it done.
    await switchUser(page, /Queue admin/);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('form', { name: 'Job filters' }).getByLabel('State').selectOption('completed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Details of certificate job / }).count(), {
      timeout: 30_000,
    }).toBe(1);
    await page.close();
  });
});
