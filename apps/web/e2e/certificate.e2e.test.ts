import { PDFDocument } from '@cantoo/pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from './support/chromium';

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
    await page.getByRole('heading', { name: 'My events' }).waitFor({ timeout: 60_000 });
    return page;
  }

  it('generates a certificate: queued → processing → done, downloads a valid PDF, verifies it', async () => {
    const page = await openApp();
    const second = await openApp(); // a second tab of the same user: it must not process the job too
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
    await expect.poll(() => page.locator('.cards > li').count()).toBe(1);
    const secondBadge = (await second.getByTestId('worker-badge').textContent()) ?? '';
    expect(secondBadge).toContain('another tab');
    expect(secondBadge).toContain('done 0');

    const verify = await context.newPage();
    await verify.goto(`${appUrl}/verify/${serial}`);
    await expect.poll(async () => verify.getByTestId('verified-name').textContent(), { timeout: 30_000 }).toBe(
      'Ada Lovelace',
    );
    await verify.close();
    await second.close();
    await page.close();
  });
});
