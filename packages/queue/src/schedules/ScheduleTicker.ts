import type { Transport } from '../transport';
import { tickSchedules, type ScheduleTickOutcome } from './tickSchedules';

export interface ScheduleTickerOptions {
  /** A service-role transport. */
  transport: Transport;
  /** Tick at least this often, to see new and changed schedules (default 5 000 ms). */
  intervalMs?: number;
  /** Never tick again sooner than this (default 200 ms): a slot the database does not see as due yet is retried. */
  minDelayMs?: number;
  /** The clock next slots are computed from (default: Date.now). */
  now?: () => Date;
  /** Told after each tick what it did. */
  onTick?: (outcome: ScheduleTickOutcome) => void;
  /** Told when a tick failed (the ticker keeps going). */
  onError?: (error: unknown) => void;
}

/**
 * Ticks the recurring schedules in a long-running worker: at once, then at the next slot or
 * every intervalMs, whichever is sooner. Run one in every Node worker: each slot still gets
 * exactly one job (run_schedule_slot).
 */
export class ScheduleTicker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: ScheduleTickerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One tick now. Rejects when the schedules could not be read. */
  runOnce(): Promise<ScheduleTickOutcome> {
    return tickSchedules(this.options.transport, { now: this.options.now });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // A schedule timer alone must not keep a Node process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async tick(): Promise<void> {
    let nextDueAt: Date | null = null;
    this.running = this.runOnce().then(
      (outcome) => {
        nextDueAt = outcome.nextDueAt;
        this.options.onTick?.(outcome);
      },
      (error: unknown) => this.options.onError?.(error),
    );
    await this.running;
    this.running = undefined;
    this.schedule(this.delayUntil(nextDueAt));
  }

  private delayUntil(nextDueAt: Date | null): number {
    const intervalMs = this.options.intervalMs ?? 5_000;
    const minDelayMs = this.options.minDelayMs ?? 200;
    if (!nextDueAt) return intervalMs;
    const now = (this.options.now?.() ?? new Date()).getTime();
    // A few ms after the slot, so the database's now() has passed it too.
    return Math.min(intervalMs, Math.max(minDelayMs, nextDueAt.getTime() - now + 10));
  }
}
