import { maintenanceMode, runMaintenance, type MaintenanceMode, type MaintenanceRun } from '../rpc/admin';
import type { Transport } from '../transport';

export interface MaintenanceRunnerOptions {
  /** A service-role (or admin) transport. */
  transport: Transport;
  /** How often to call run_maintenance; also how often requeue_stalled is due (default 60 s). */
  intervalMs?: number;
  /** How often cleanup_jobs is due (default one day). */
  cleanupEveryMs?: number;
  /** Finished jobs older than this are deleted (default 7 days); null: never clean up. */
  cleanupOlderThanSeconds?: number | null;
  /** Told after each tick what happened. */
  onTick?: (outcome: MaintenanceOutcome) => void;
  /** Told when a tick failed (the runner keeps going). */
  onError?: (error: unknown) => void;
}

/**
 * One tick's outcome: `ran` (see MaintenanceRun: tasks not due are null), `locked` (another
 * runner was at it), or `pg_cron` (the database schedules maintenance itself; nothing to do).
 */
export type MaintenanceOutcome =
  | { kind: 'ran'; run: MaintenanceRun }
  | { kind: 'locked' }
  | { kind: 'pg_cron' };

/**
 * The maintenance pg_cron would schedule (0012), for databases without pg_cron: requeue expired
 * leases every minute and delete old finished jobs daily. Start one in every Node worker: the
 * database lets one run at a time (advisory lock) and runs each task once per period however
 * many runners call (run_maintenance, 0011).
 */
export class MaintenanceRunner {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<MaintenanceOutcome | undefined> | undefined;
  private stopped = true;
  private mode: MaintenanceMode | undefined;

  constructor(private readonly options: MaintenanceRunnerOptions) {}

  /** Runs a first tick at once, then every intervalMs until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One tick now: skipped under pg_cron, else run_maintenance. Rejects when the call fails. */
  async runOnce(): Promise<MaintenanceOutcome> {
    // Asked once per runner: pg_cron is enabled or not by a migration, not while we run.
    this.mode ??= await maintenanceMode(this.options.transport);
    if (this.mode === 'pg_cron') return { kind: 'pg_cron' };
    const intervalMs = this.options.intervalMs ?? 60_000;
    const run = await runMaintenance(this.options.transport, {
      cleanupOlderThanSeconds: this.options.cleanupOlderThanSeconds === undefined ? 7 * 86_400 : this.options.cleanupOlderThanSeconds,
      requeueEverySeconds: intervalMs / 1000,
      cleanupEverySeconds: (this.options.cleanupEveryMs ?? 86_400_000) / 1000,
    });
    return run ? { kind: 'ran', run } : { kind: 'locked' };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // A maintenance timer alone must not keep a Node process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async tick(): Promise<void> {
    this.running = this.runOnce().then(
      (outcome) => {
        this.options.onTick?.(outcome);
        return outcome;
      },
      (error: unknown) => {
        this.options.onError?.(error);
        return undefined;
      },
    );
    const outcome = await this.running;
    this.running = undefined;
    // Under pg_cron there is nothing left to do for this runner's lifetime.
    if (outcome?.kind !== 'pg_cron') this.schedule(this.options.intervalMs ?? 60_000);
  }
}
