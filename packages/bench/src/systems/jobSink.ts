import { wallNow } from './system';

/**
 * Runs inside every worker process, whatever the system: counts handler starts and reports to
 * the bench over IPC (progress for throughput, the start time of each `sentAt` job for pickup).
 */
let handled = 0;
let firstStartAt = 0;
let reported = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function report(): void {
  if (handled === reported) return;
  reported = handled;
  process.send?.({ type: 'progress', handled, firstStartAt });
}

export function jobStarted(payload: unknown): void {
  const now = wallNow();
  if (handled === 0) firstStartAt = now;
  handled += 1;
  const sentAt = (payload as { sentAt?: unknown } | null)?.sentAt;
  if (typeof sentAt === 'number') process.send?.({ type: 'pickup', sentAt, startedAt: now });
  if (handled - reported >= 500) report();
  timer ??= setInterval(report, 20).unref();
}
