import { PDFDocument } from '@cantoo/pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_FIRST_START_MS, chromiumAvailable, CHROMIUM_PATH, launchChromium } from './support/chromium';

const ADA = '00000000-0000-4000-8000-00000000a7a1';

// Without Debian's Chromium there is no browser to drive: .ci/run installs it; elsewhere say so.
describe.skipIf(!chromiumAvailable)(`the certificate app in real Chromium (${CHROMIUM_PATH})`, () => {
  let browser: Browser;
  let context: BrowserContext;
  const appUrl = inject('appUrl');

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true });
    await context.addInitScript((userId) => localStorage.setItem('tessera:user', userId), ADA);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  async function openApp(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    await page.goto(appUrl);
    await page.getByRole('heading', { name: 'My events' }).waitFor({ timeout: APP_FIRST_START_MS });
    return page;
  }

  it('generates a certificate: queued → processing → done, downloads a valid PDF, verifies it', async () => {
    const page = await openApp();
    // A second tab waits: the embedded database (PGlite on IndexedDB) is used by one tab at a time.
    const second = await context.newPage();
    await second.goto(appUrl);
    await second.getByTestId('database-busy').waitFor({ timeout: 30_000 });
    const card = page.getByTestId('event-10000000-0000-4000-8000-000000000001');
    await card.getByRole('button', { name: 'Generate Certificate' }).dblclick();

    // Every state shows up on the page (processing is short: watch the status text change).
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = (await card.textContent()) ?? '';
          for (const state of ['Queued', 'Processing', 'Done']) if (text.includes(state)) seen.add(state);
          return seen.has('Done');
        },
        { timeout: 60_000, interval: 20 },
      )
      .toBe(true);
    expect(seen.has('Queued') || seen.has('Processing')).toBe(true);

    const downloadPromise = page.waitForEvent('download');
    await card.getByRole('button', { name: 'Download PDF' }).click();
    const download = await downloadPromise;
    const path = await download.path();
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(path!));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1);
    expect(`${pdf.getTitle() ?? ''} ${pdf.getSubject() ?? ''}`).toContain('Ada Lovelace');
    const serial = download.suggestedFilename().replace(/\.pdf$/, '');
    expect(serial).toMatch(/^TSR-2026-\d{6}$/);

    // One click or two: one job, run once (attempt 1), by one tab.
    await page.getByRole('link', { name: 'My jobs' }).click();
    await page.getByRole('heading', { name: 'My jobs' }).waitFor();
    await expect.poll(() => page.locator('.cards > li').count(), { timeout: 30_000 }).toBe(1);
    expect(await second.getByTestId('database-busy').isVisible()).toBe(true); // it never ran a job

    // Closing the owning tab hands the database to the waiting one, with everything in it.
    await page.close();
    await second.getByRole('heading', { name: 'My events' }).waitFor({ timeout: 60_000 });
    const handedOver = second.getByTestId('event-10000000-0000-4000-8000-000000000001');
    await expect.poll(() => handedOver.getByRole('button', { name: 'Download PDF' }).count(), { timeout: 30_000 }).toBe(1);

    // The QR code's page: public, database fields only.
    await second.goto(`${appUrl}/verify/${serial}`);
    await expect.poll(async () => second.getByTestId('verified-name').textContent(), { timeout: 30_000 }).toBe(
      'Ada Lovelace',
    );
    await second.close();
  });
});
