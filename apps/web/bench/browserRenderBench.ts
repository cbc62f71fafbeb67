// `pnpm bench` part: a batch of certificates rendered in real Chromium through the app's Web
// Worker renderer; reports certificates/s and the longest main-thread task (target < 50 ms).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../e2e/support/chromium';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.argv.find((arg) => arg.startsWith('--count='))?.split('=')[1] ?? 1000);
const LONG_TASK_TARGET_MS = 50;

interface BatchResult {
  count: number;
  unicode: boolean;
  ms: number;
  perSecond: number;
  averageBytes: number;
  longTasks: number;
  longestTaskMs: number;
}

export async function runBrowserRenderBench(batch = count): Promise<BatchResult[] | null> {
  if (!chromiumAvailable) {
    console.log(`[browser render bench] skipped: no Chromium at ${CHROMIUM_PATH}`);
    return null;
  }
  await build({ root: appRoot, logLevel: 'error', envDir: '/nonexistent-env-dir' });
  const port = 4300 + Math.floor(Math.random() * 500);
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const preview = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: appRoot,
    stdio: 'ignore',
  });
  const browser = await launchChromium();
  try {
    const url = `http://127.0.0.1:${port}/render-bench.html`;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (await fetch(url).then((response) => response.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'runRenderBatch' in window);
    const results: BatchResult[] = [];
    for (const unicode of [false, true]) {
      results.push(
        await page.evaluate(
          ([n, u]) => (window as unknown as { runRenderBatch(n: number, u: boolean): Promise<BatchResult> }).runRenderBatch(n, u),
          [batch, unicode] as const,
        ),
      );
    }
    return results;
  } finally {
    await browser.close();
    preview.kill('SIGTERM');
  }
}

export function formatBrowserRenderBench(results: BatchResult[]): string {
  const lines = ['Certificates in Chromium (Web Worker renderer, 4 in flight):'];
  for (const r of results) {
    const verdict = r.longestTaskMs < LONG_TASK_TARGET_MS ? 'PASS' : 'MISS';
    lines.push(
      `  ${r.unicode ? 'embedded Unicode font' : 'standard fonts       '}  ${r.count} in ${(r.ms / 1000).toFixed(1)} s = ` +
        `${r.perSecond.toFixed(0)}/s · main-thread long tasks: ${r.longTasks}, longest ${r.longestTaskMs.toFixed(0)} ms ` +
        `(target < ${LONG_TASK_TARGET_MS} ms: ${verdict})`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runBrowserRenderBench();
  if (results) console.log(formatBrowserRenderBench(results));
}
