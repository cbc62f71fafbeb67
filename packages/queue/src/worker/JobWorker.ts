import type { QueueClient } from '../client';
import { LeaseLostError, PermanentJobError, ValidationError } from '../errors';
import { JOBS_CHANNEL, type Unsubscribe } from '../transport';
import type { Job } from '../types';
import { errorMessage } from './errorMessage';
import type { JobContext, JobWorkerOptions, WorkerSnapshot, WorkerState } from './types';

/** Why a job's signal aborted: a cancel was requested for it. */
export class JobCancelledError extends Error {
  constructor() {
    super('job cancelled');
    this.name = 'JobCancelledError';
  }
}

/** Why a job's signal aborted: the worker is stopping and hands the job back. */
export class WorkerStoppingError extends Error {
  constructor() {
    super('worker stopping: job released');
    this.name = 'WorkerStoppingError';
  }
}

interface RunningJob {
  job: Job;
  controller: AbortController;
  progress: number;
  sentProgress: number;
  /** Someone else owns the job now (lease lost) or it went back to the queue (released). */
  lost: boolean;
  released: boolean;
  cancelled: boolean;
  heartbeatTimer: ReturnType<typeof setInterval>;
  progressTimer: ReturnType<typeof setTimeout> | undefined;
  beating: Promise<void> | undefined;
  done: Promise<void>;
}

const PROGRESS_FLUSH_MS = 250;
const RELEASE_SETTLE_MS = 1_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let workerCounter = 0;
function defaultWorkerId(): string {
  workerCounter += 1;
  const random = Math.random().toString(36).slice(2, 10);
  return `worker-${random}-${workerCounter}`;
}

/**
 * The worker loop, framework-free: claim up to `concurrency` jobs, run each processor with
 * `{ signal, progress, workerId }`, heartbeat while it runs, complete or fail it, and claim again
 * while work remains; when none does, sleep until woken (NOTIFY, `wake()`) or `intervalMs`.
 * React binds to it with `subscribe`/`getSnapshot` (useSyncExternalStore).
 */
export class JobWorker {
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly intervalMs: number;
  private readonly leaseSeconds: number;
  private readonly heartbeatMs: number;
  private readonly jobTypes: string[];
  private running = false;
  private stopping = false;
  private restartAfterStop = false;
  /** The last claim found fewer jobs than it asked for: wait to be woken. */
  private drained = false;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private errorStreak = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private unlisten: Unsubscribe | undefined;
  private readonly active = new Map<string, RunningJob>();
  private processed = 0;
  private failed = 0;
  private lastError: string | null = null;
  private snapshot: WorkerSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: QueueClient,
    private readonly options: JobWorkerOptions,
  ) {
    this.workerId = options.workerId ?? defaultWorkerId();
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.intervalMs = options.intervalMs ?? 10_000;
    this.leaseSeconds = options.leaseSeconds ?? 300;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1_000, (this.leaseSeconds * 1_000) / 3);
    this.jobTypes = options.jobTypes ?? Object.keys(options.processors);
    this.snapshot = this.buildSnapshot();
  }

  start(): this {
    if (this.stopping) {
      // start() during stop() (React StrictMode remounts): run again once the stop is done.
      this.restartAfterStop = true;
      return this;
    }
    if (this.running) return this;
    this.running = true;
    this.stopping = false;
    if (this.options.listen !== false) {
      this.client.transport
        .subscribe(JOBS_CHANNEL, (jobType) => {
          if (jobType === '*' || this.jobTypes.includes(jobType)) this.wake();
        })
        .then((unsubscribe) => {
          if (this.running && !this.stopping) {
            this.unlisten = unsubscribe;
            this.wake(); // a job enqueued before LISTEN was active sent its NOTIFY to no one
          } else {
            void unsubscribe();
          }
        })
        .catch((error: unknown) => this.report(error));
    }
    this.emit();
    this.wake();
    return this;
  }

  /** Look for work now (a job was enqueued, the tab became visible, ...). */
  wake(): void {
    if (!this.running || this.stopping) return;
    this.drained = false;
    void this.pump();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): WorkerSnapshot {
    return this.snapshot;
  }

  /** Resolves once the queue had no claimable job and nothing is running. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.active.size === 0 && !this.pumping && (this.drained || !this.running)) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = this.subscribe(check);
      check();
    });
  }

  /**
   * Stops claiming, lets running jobs finish for up to `graceMs`, then aborts the rest and
   * releases them to the queue at once (no attempt counted, no waiting for the lease).
   */
  async stop({ graceMs = 30_000 }: { graceMs?: number } = {}): Promise<void> {
    if (!this.running || this.stopping) return;
    this.stopping = true;
    clearTimeout(this.idleTimer);
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.().catch((error: unknown) => this.report(error));
    await this.pumping;
    const finished = Promise.all([...this.active.values()].map((entry) => entry.done));
    await Promise.race([finished, sleep(graceMs)]);
    const leftovers = [...this.active.values()];
    if (leftovers.length > 0) {
      for (const entry of leftovers) {
        entry.released = true;
        entry.controller.abort(new WorkerStoppingError());
      }
      await this.client
        .release(
          leftovers.map((entry) => entry.job.id),
          this.workerId,
        )
        .catch((error: unknown) => this.report(error));
      await Promise.race([Promise.all(leftovers.map((entry) => entry.done)), sleep(RELEASE_SETTLE_MS)]);
    }
    this.running = false;
    this.stopping = false;
    this.emit();
    if (this.restartAfterStop) {
      this.restartAfterStop = false;
      this.start();
    }
  }

  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    clearTimeout(this.idleTimer);
    this.pumping = this.claimWhileWorkRemains().finally(() => {
      this.pumping = undefined;
      this.scheduleIdleWake();
      this.emit();
    });
    return this.pumping;
  }

  private canClaim(): boolean {
    return this.running && !this.stopping && this.active.size < this.concurrency;
  }

  private async claimWhileWorkRemains(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        while (this.canClaim()) {
          const wanted = this.concurrency - this.active.size;
          const jobs = await this.client.claim({
            workerId: this.workerId,
            limit: wanted,
            jobTypes: this.jobTypes,
            leaseSeconds: this.leaseSeconds,
          });
          this.errorStreak = 0;
          for (const job of jobs) this.run(job);
          if (jobs.length < wanted) {
            this.drained = true;
            break;
          }
        }
      } while (this.pumpAgain && this.canClaim());
    } catch (error) {
      this.errorStreak += 1;
      this.report(error);
    }
  }

  // Poll every intervalMs while idle; after claim errors retry sooner, with backoff.
  private scheduleIdleWake(): void {
    if (!this.running || this.stopping) return;
    clearTimeout(this.idleTimer);
    const delay =
      this.errorStreak > 0 ? Math.min(this.intervalMs, 250 * 2 ** Math.min(this.errorStreak, 10)) : this.intervalMs;
    if (!Number.isFinite(delay)) return;
    this.idleTimer = setTimeout(() => this.wake(), delay);
  }

  private run(job: Job): void {
    const entry: RunningJob = {
      job,
      controller: new AbortController(),
      progress: 0,
      sentProgress: 0,
      lost: false,
      released: false,
      cancelled: false,
      heartbeatTimer: setInterval(() => void this.beat(entry), this.heartbeatMs),
      progressTimer: undefined,
      beating: undefined,
      done: Promise.resolve(),
    };
    this.active.set(job.id, entry);
    entry.done = this.execute(entry).finally(() => {
      clearInterval(entry.heartbeatTimer);
      clearTimeout(entry.progressTimer);
      this.active.delete(job.id);
      this.emit();
      if (!this.drained) void this.pump();
    });
    this.emit();
  }

  private async execute(entry: RunningJob): Promise<void> {
    const { job } = entry;
    const ctx: JobContext = {
      signal: entry.controller.signal,
      workerId: this.workerId,
      progress: (percent) => this.setProgress(entry, percent),
    };
    let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
    try {
      const processor = this.options.processors[job.jobType];
      if (!processor) throw new PermanentJobError(`no processor for job type ${job.jobType}`);
      const result: unknown = await processor(job as never, ctx);
      outcome = { ok: true, result: result === undefined ? null : result };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (entry.lost || entry.released) return; // the job is no longer ours to finish
    try {
      if (outcome.ok) {
        await this.client.complete(job.id, this.workerId, outcome.result);
        this.processed += 1;
      } else {
        const retryable = !(outcome.error instanceof PermanentJobError);
        await this.client.fail(job.id, this.workerId, errorMessage(outcome.error), retryable);
        if (!entry.cancelled) this.failed += 1;
      }
    } catch (error) {
      if (error instanceof LeaseLostError) return;
      if (outcome.ok && (error instanceof ValidationError || error instanceof TypeError)) {
        // The result could not be stored (too large, not JSON): that is the job's failure.
        this.failed += 1;
        await this.client
          .fail(job.id, this.workerId, `result rejected: ${errorMessage(error)}`, false)
          .catch((next: unknown) => this.report(next));
        return;
      }
      this.report(error);
    }
  }

  private setProgress(entry: RunningJob, percent: number): void {
    if (!Number.isFinite(percent)) return;
    entry.progress = Math.min(100, Math.max(0, Math.round(percent)));
    this.emit();
    if (entry.progressTimer === undefined && entry.progress !== entry.sentProgress) {
      entry.progressTimer = setTimeout(() => {
        entry.progressTimer = undefined;
        void this.beat(entry);
      }, PROGRESS_FLUSH_MS);
    }
  }

  private beat(entry: RunningJob): Promise<void> {
    if (entry.beating || entry.lost || entry.released) return entry.beating ?? Promise.resolve();
    const progress = entry.progress;
    entry.beating = this.client
      .heartbeat(entry.job.id, this.workerId, { progress, leaseSeconds: this.leaseSeconds })
      .then((cancelRequested) => {
        entry.sentProgress = progress;
        if (cancelRequested && !entry.controller.signal.aborted) {
          entry.cancelled = true;
          entry.controller.abort(new JobCancelledError());
        }
      })
      .catch((error: unknown) => {
        if (error instanceof LeaseLostError) {
          entry.lost = true;
          entry.controller.abort(error);
        } else {
          this.report(error);
        }
      })
      .finally(() => {
        entry.beating = undefined;
        // Progress reported while this heartbeat was in flight still has to go out.
        if (entry.progress !== entry.sentProgress) this.setProgress(entry, entry.progress);
      });
    return entry.beating;
  }

  private report(error: unknown): void {
    this.lastError = errorMessage(error);
    this.options.onError?.(error);
    this.emit();
  }

  private currentState(): WorkerState {
    if (!this.running) return 'stopped';
    if (this.errorStreak > 0) return 'error';
    return this.active.size > 0 ? 'processing' : 'idle';
  }

  private buildSnapshot(): WorkerSnapshot {
    return {
      state: this.currentState(),
      activeJobs: [...this.active.values()].map((entry) => ({
        id: entry.job.id,
        jobType: entry.job.jobType,
        attempt: entry.job.attempts,
        progress: entry.progress,
        startedAt: entry.job.startedAt ?? new Date(),
      })),
      processed: this.processed,
      failed: this.failed,
      lastError: this.lastError,
    };
  }

  private emit(): void {
    this.snapshot = this.buildSnapshot();
    for (const listener of this.listeners) listener();
  }
}
