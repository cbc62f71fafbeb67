import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_FIRST_START_MS, chromiumAvailable, CHROMIUM_PATH, launchChromium } from './support/chromium';

const BORIS = '00000000-0000-4000-8000-00000000b0b1';
const MOSCOW_EVENT = '10000000-0000-4000-8000-000000000003'; // Cyrillic name: its certificate fetches the Unicode font
const STARTUP_MS = APP_FIRST_START_MS;

// Without Debian's Chromium there is no browser to drive: .ci/run installs it; elsewhere say so.
describe.skipIf(!chromiumAvailable)(`a tab closed mid-job in real Chromium (${CHROMIUM_PATH})`, () => {
  let browser: Browser;
  let context: BrowserContext;
  const appUrl = inject('appUrl');
  const leaseSeconds = inject('workerLeaseSeconds');

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

  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    page.on('console', (message) => message.type() === 'error' && console.error('[console]', message.text()));
    await page.goto(appUrl);
    return page;
  };

  it('the waiting tab takes the database over and finishes the job once its lease has ended', async () => {
    // Tab A's certificate hangs mid-job: its font request never gets an answer.
    let hang = true;
    let fontRequested!: () => void;
    const fontHangs = new Promise<void>((resolve) => {
      fontRequested = resolve;
    });
    await context.route('**/*.ttf', (route: Route) => {
      if (!hang) return route.continue();
      fontRequested();
      return undefined; // never answered: the request stays pending until its tab closes
    });

    const a = await open();
    // The first start migrates the embedded database: slow on a loaded 2-core machine.
    await a.getByRole('heading', { name: 'My events' }).waitFor({ timeout: STARTUP_MS });
    const b = await open();
    await b.getByTestId('database-busy').waitFor({ timeout: 30_000 }); // A owns the embedded database
    const card = a.getByTestId(`event-${MOSCOW_EVENT}`);
    await card.getByRole('button', { name: 'Generate Certificate' }).click();
    await fontHangs;
    await expect.poll(async () => (await card.textContent()) ?? '', { timeout: 10_000 }).toMatch(/Processing/);

    // A closes mid-job: no pagehide hook runs the queue, its lease is simply left to expire.
    hang = false;
    const closedAt = Date.now();
    await a.close();

    await b.getByRole('heading', { name: 'My events' }).waitFor({ timeout: STARTUP_MS });
    const taken = b.getByTestId(`event-${MOSCOW_EVENT}`);
    await expect
      .poll(() => taken.getByRole('button', { name: 'Download PDF' }).count(), { timeout: (leaseSeconds + 90) * 1_000 })
      .toBe(1);
    // Not before A's lease ended: A renewed it every lease / 3 while it lived, so it ran until at
    // least 2/3 of a lease after the close (1 s of slack for timer jitter).
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual((leaseSeconds * 2_000) / 3 - 1_000);

    // One job, attempt 1 abandoned (not failed: no error recorded), attempt 2 done by B.
    await switchUser(b, /Queue admin/);
    await b.getByRole('link', { name: 'Admin' }).click();
    await b.getByRole('form', { name: 'Job filters' }).getByLabel('State').selectOption('completed');
    await b.getByRole('button', { name: 'Apply filters' }).click();
    const details = b.getByRole('button', { name: /^Details of certificate job / });
    await expect.poll(() => details.count(), { timeout: 30_000 }).toBe(1);
    await details.click();
    const detail = b.getByRole('region', { name: /certificate job/ });
    await expect.poll(async () => (await detail.textContent()) ?? '', { timeout: 10_000 }).toMatch(/Attempts\s*2 of 3/);
    expect(await detail.textContent()).toMatch(/Errors \(0\)/);
    await b.close();
  }, 4 * STARTUP_MS);
});

async function switchUser(page: Page, label: RegExp): Promise<void> {
  const select = page.getByLabel('Signed in as');
  const value = await select.locator('option', { hasText: label }).getAttribute('value');
  await select.selectOption(value!);
}
