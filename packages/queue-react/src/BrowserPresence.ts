import type { WorkerReport, WorkerSnapshot } from '@tessera/queue';
import { version as packageVersion } from '../package.json';

export interface BrowserPresenceOptions {
  workerId: string;
  jobTypes: readonly string[];
  /** At most one report per this many ms while jobs start (default 30 000). */
  throttleMs?: number;
  version?: string;
  /** Runs each report (the worker tracks it, so stop() can wait for it). */
  send: (report: WorkerReport) => Promise<void>;
}

/**
 * When a browser worker tells queue_workers it is alive. Never on a timer and never when idle:
 * only right after a claim that returned jobs (at most once per `throttleMs`), and once when
 * the worker falls idle after a report that said jobs were running, so that report's
 * `running` does not stay up. At most two RPCs per `throttleMs`, only while jobs run.
 */
export class BrowserPresence {
  private readonly throttleMs: number;
  private seen = new Set<string>();
  private lastReportAt: number | undefined;
  private lastReportedRunning = 0;

  constructor(private readonly options: BrowserPresenceOptions) {
    this.throttleMs = options.throttleMs ?? 30_000;
  }

  /** Called with each snapshot of the core worker while this tab leads. */
  observe(snapshot: WorkerSnapshot): void {
    const active = snapshot.activeJobs;
    const claimed = active.some((job) => !this.seen.has(job.id));
    this.seen = new Set(active.map((job) => job.id));
    const now = Date.now();
    const due = this.lastReportAt === undefined || now - this.lastReportAt >= this.throttleMs;
    const fellIdle = active.length === 0 && this.lastReportedRunning > 0;
    if ((claimed && due) || fellIdle) this.report(snapshot, now);
  }

  /** Forgets what ran (a new leadership starts from scratch); the throttle stays. */
  reset(): void {
    this.seen = new Set();
    this.lastReportedRunning = 0;
  }

  private report(snapshot: WorkerSnapshot, now: number): void {
    this.lastReportAt = now;
    this.lastReportedRunning = snapshot.activeJobs.length;
    void this.options.send({
      workerId: this.options.workerId,
      kind: 'browser',
      version: this.options.version ?? `queue-react@${packageVersion}`,
      jobTypes: [...this.options.jobTypes],
      running: snapshot.activeJobs.length,
      processed: snapshot.processed,
      failed: snapshot.failed,
    });
  }
}
