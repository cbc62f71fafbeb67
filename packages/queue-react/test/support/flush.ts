import { vi } from 'vitest';

/** One real turn of the event loop (setImmediate is never faked here): lets PGlite and BroadcastChannel work. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Waits, in real event-loop turns and without moving the (possibly fake) clock, until `check`
 * passes. Fails after `realMs` of wall time.
 */
export async function flushUntil(check: () => boolean | Promise<boolean>, realMs = 10_000): Promise<void> {
  const deadline = performance.now() + realMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${realMs} ms: ${check.toString()}`);
    await nextTurn();
  }
}

/** Lets pending async work (database calls, messages) finish: a number of real turns, clock untouched. */
export async function settle(turns = 50): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await nextTurn();
}

/** Fake clocks for setTimeout/setInterval and Date (PGlite's now() follows Date); real turns still run. */
export function useFakeClock(start = new Date('2030-01-01T00:00:00Z')): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] });
  vi.setSystemTime(start);
}

/** Moves the fake clock by `ms` in `stepMs` steps, letting the real async work each step started finish. */
export async function advance(ms: number, stepMs = Math.min(ms, 60_000)): Promise<void> {
  let left = ms;
  while (left > 0) {
    const step = Math.min(stepMs, left);
    await vi.advanceTimersByTimeAsync(step);
    await settle();
    left -= step;
  }
}
