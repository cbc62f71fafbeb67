import { readFileSync } from 'node:fs';
import { z, type QueueClient, type WorkerKind } from '@tessera/queue';

/** This app's version (apps/worker/package.json), as the workers view shows it. */
export const WORKER_VERSION = z
  .object({ version: z.string().min(1).max(100) })
  .parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))).version;

/** What the worker is doing, read at each report. */
export interface PresenceCounters {
  running: number;
  processed: number;
  failed: number;
}

export interface WorkerPresenceOptions {
  client: QueueClient;
  workerId: string;
  kind?: Exclude<WorkerKind, 'browser'>;
  /** The job types the worker claims (null: any). */
  jobTypes: readonly string[] | null;
  version?: string;
  counters: () => PresenceCounters;
  /** How often to report (default 15 s: well inside the 2-minute liveness window of 0019). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Keeps a server worker's row in queue_workers current: a report at start, one every
 * `intervalMs`, and a last one on stop that marks it stopped (no longer alive). A failed report
 * is only logged: the next one retries, and the jobs do not depend on it.
 */
export class WorkerPresence {
  private timer: ReturnType<typeof setInterval> | undefined;
  private inflight: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: WorkerPresenceOptions) {}

  /** Reports now, then on the interval. Resolves after the first report (failed or not). */
  start(): Promise<void> {
    if (this.timer || this.stopped) return Promise.resolve();
    this.timer = setInterval(() => void this.report(false), this.options.intervalMs ?? 15_000);
    // The timer alone must not keep the process alive.
    this.timer.unref?.();
    return this.report(false);
  }

  /** Stops the timer and sends the last report (stopping: not alive from now on). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight;
    await this.send(true);
  }

  private report(stopping: boolean): Promise<void> {
    // A slow database must not pile reports up: skip a beat while one is on its way.
    if (this.inflight || this.stopped) return this.inflight ?? Promise.resolve();
    this.inflight = this.send(stopping).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async send(stopping: boolean): Promise<void> {
    const { client, workerId, kind = 'node', jobTypes, version = WORKER_VERSION, counters, onError } = this.options;
    try {
      await client.reportWorker({
        workerId,
        kind,
        version,
        jobTypes: jobTypes ? [...jobTypes] : null,
        ...counters(),
        stopping,
      });
    } catch (error) {
      onError?.(error);
    }
  }
}
