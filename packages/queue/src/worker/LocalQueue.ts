import type { Job } from '../types';

interface Queued {
  job: Job;
  queuedAt: number;
}

/**
 * Jobs claimed ahead of need (prefetch): leased to this worker and waiting for a free slot, so
 * the next job starts without a round trip. A job that waits longer than a heartbeat period
 * gets heartbeats like a running one, so its lease cannot expire while it waits.
 */
export class LocalQueue {
  private readonly queued: Queued[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly heartbeatMs: number,
    /** Extends a waiting job's lease; resolves false when the lease is gone. */
    private readonly keepAlive: (job: Job) => Promise<boolean>,
  ) {}

  get size(): number {
    return this.queued.length;
  }

  push(job: Job): void {
    this.queued.push({ job, queuedAt: Date.now() });
    this.timer ??= setInterval(() => this.beat(), this.heartbeatMs);
  }

  shift(): Job | undefined {
    const next = this.queued.shift();
    if (this.queued.length === 0) this.stopTimer();
    return next?.job;
  }

  /** Empties the queue (to release its jobs). */
  drain(): Job[] {
    this.stopTimer();
    return this.queued.splice(0).map((entry) => entry.job);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private beat(): void {
    const due = Date.now() - this.heartbeatMs / 2;
    for (const entry of this.queued.filter((queued) => queued.queuedAt <= due)) {
      void this.keepAlive(entry.job).then((alive) => {
        if (alive) return;
        const index = this.queued.indexOf(entry);
        if (index >= 0) this.queued.splice(index, 1);
        if (this.queued.length === 0) this.stopTimer();
      });
    }
  }
}
