import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; Playwright's own browser download cannot work on this kind of machine. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * How long a fresh browser profile may take to show the app: the embedded mode's first start
 * applies every migration in PGlite (25-30 s on a quiet 2-core machine, several times that while
 * other test files run beside it). Later page loads reuse the database and take a few seconds.
 */
export const APP_FIRST_START_MS = 180_000;
