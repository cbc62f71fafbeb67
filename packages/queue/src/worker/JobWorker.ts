import type { QueueClient } from '../client';
import { LeaseLostError, PermanentJobError } from '../errors';
import { JOBS_CHANNEL, type Unsubscribe } from '../transport';
import type { Job } from '../types';
import { errorMessage } from './errorMessage';
import { DrainTally, LifecycleEvents, lifecycleEventOf, type LifecycleEventType, type LifecycleListener, type WorkerLogger } from './lifecycle';
import { LocalQueue } from './LocalQueue';
import { OutcomeRecorder, type ProcessorOutcome } from './OutcomeRecorder';
import type { JobContext, JobFinishedEvent, JobWorkerOptions, WorkerSnapshot, WorkerState } from './types';

/** Why a job's signal aborted: a cancel was requested for it. */
export class JobCancelledError extends Error {
  constructor() {
    super('job cancelled');
    this.name = 'JobCancelledError';
  }
}

/**
 * Why a job's signal aborted: the attempt ran past its timeout (the row's timeout_seconds, else
 * the worker's `timeoutSeconds` option). Named like the DOMException AbortSignal.timeout() uses.
 */
export class JobTimeoutError extends Error {
  constructor(readonly timeoutSeconds: number) {
    super(`timeout: the job ran longer than ${timeoutSeconds} s`);
    this.name = 'TimeoutError';
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
  /** The step reported with progress, and the one the database has. */
  progressMessage: string | undefined;
  sentProgressMessage: string | undefined;
  /** Rejects with a JobTimeoutError when the attempt runs past its timeout (none: no timeout). */
  timeout: Promise<never> | undefined;
  timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  /** Someone else owns the job now (lease lost) or it went back to the queue (released). */
  lost: boolean;
  released: boolean;
  cancelled: boolean;
  heartbeatTimer: ReturnType<typeof setInterval>;
  progressTimer: ReturnType<typeof setTimeout> | undefined;
  beating: Promise<void> | undefined;
  done: Promise<void>;
  /** performance.now() when the processor started. */
  startedAt: number;
}


const PROGRESS_FLUSH_MS = 250;
/** progress_message's limit in the database (characters). */
const PROGRESS_MESSAGE_MAX = 200;
/** setTimeout's largest delay; a longer timeout would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
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
  private readonly prefetch: number;
  /** Free slots (running + prefetched) needed before claiming: batches, not one job per slot. */
  private readonly claimThreshold: number;
  private readonly localQueue: LocalQueue;
  private readonly recorder: OutcomeRecorder;
  /** Outcomes being recorded in batches (their slots are already free). */
  private readonly recording = new Set<Promise<void>>();
  private running = false;
  private stopping = false;
  private restartAfterStop = false;
  /** The last claim found fewer jobs than it asked for: wait to be woken. */
  private drained = false;
  /** Claims in flight, and how many jobs they asked for. */
  private readonly claims = new Set<Promise<void>>();
  private requested = 0;
  /** Counts wake-ups, so a claim can tell whether one came in while it was running. */
  private wakes = 0;
  private pumpScheduled = false;
  private errorStreak = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private unlisten: Unsubscribe | undefined;
  private readonly active = new Map<string, RunningJob>();
  private processed = 0;
  private failed = 0;
  private lastError: string | null = null;
  private snapshot: WorkerSnapshot;
  private snapshotStale = false;
  private readonly listeners = new Set<() => void>();
  private readonly lifecycle: LifecycleEvents;
  /** Set with the `debug` option: runs since the worker last went idle, and where the summary goes. */
  private readonly tally: DrainTally | undefined;
  private readonly logger: WorkerLogger | undefined;

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
    this.prefetch = Math.max(0, Math.floor(options.prefetch ?? 0));
    this.claimThreshold = this.prefetch > 0 ? Math.max(1, Math.ceil((this.concurrency + this.prefetch) / 2)) : 1;
    this.localQueue = new LocalQueue(this.heartbeatMs, (job) => this.keepAlive(job));
    this.recorder = new OutcomeRecorder(client, this.workerId, options.batch, (error) => this.report(error));
    this.lifecycle = new LifecycleEvents((error) => this.report(error));
    if (options.onLifecycle) this.lifecycle.on('*', options.onLifecycle);
    if (options.debug) {
      this.tally = new DrainTally();
      this.logger = options.logger ?? console;
    }
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
    this.wakes += 1;
    this.drained = false;
    this.pump();
  }

  /**
   * Listens to lifecycle events of the jobs this worker runs: one type, or '*' for all.
   * Returns the unsubscribe. Listener errors go to onError, never into the loop.
   */
  on(type: LifecycleEventType | '*', listener: LifecycleListener): () => void {
    return this.lifecycle.on(type, listener);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): WorkerSnapshot {
    if (this.snapshotStale) {
      this.snapshot = this.buildSnapshot();
      this.snapshotStale = false;
    }
    return this.snapshot;
  }

  /** Resolves once the queue had no claimable job and nothing is running. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.busy() && (this.drained || !this.running)) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = this.subscribe(check);
      check();
    });
  }

  /** Jobs running or prefetched, outcomes being recorded, or claims in flight. */
  private busy(): boolean {
    return this.active.size > 0 || this.localQueue.size > 0 || this.recording.size > 0 || this.claims.size > 0;
  }

  /**
   * Stops claiming, lets running jobs finish for up to `graceMs`, then aborts the rest and
   * releases them to the queue at once (no attempt counted, no waiting for the lease).
   */
  stop({ graceMs = 30_000 }: { graceMs?: number } = {}): Promise<void> {
    if (!this.running) return Promise.resolve();
    // A second stop() (e.g. SIGTERM during an unmount) waits for the one already running.
    this.stopRun ??= this.stopNow(graceMs).finally(() => {
      this.stopRun = undefined;
    });
    return this.stopRun;
  }

  private stopRun: Promise<void> | undefined;

  private async stopNow(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.idleTimer);
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.().catch((error: unknown) => this.report(error));
    while (this.claims.size > 0) await Promise.allSettled([...this.claims]);
    await this.releaseQueued();
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
    await this.recorder.flush();
    await Promise.allSettled([...this.recording]);
    this.logDrain(); // a stop ends the drain too (drainOnce at maxJobs / maxMs)
    this.running = false;
    this.stopping = false;
    this.emit();
    if (this.restartAfterStop) {
      this.restartAfterStop = false;
      this.start();
    }
  }

  /**
   * Starts claims while there is room: one at a time, or, with a local queue, up to two in
   * flight, so the next batch is on its way while the last one is being handed out.
   */
  private pump(): void {
    clearTimeout(this.idleTimer);
    while (this.canClaim()) this.claim(this.room());
    if (this.claims.size === 0) this.scheduleIdleWake();
    this.emit();
  }

  /** Jobs the worker can take now: free slots and local-queue places not already asked for. */
  private room(): number {
    return this.concurrency + this.prefetch - this.active.size - this.localQueue.size - this.requested;
  }

  private canClaim(): boolean {
    const inFlight = this.prefetch > 0 ? 2 : 1;
    return (
      this.running && !this.stopping && this.claims.size < inFlight && this.room() >= this.claimThreshold
    );
  }

  private claim(limit: number): void {
    const wakes = this.wakes;
    this.requested += limit;
    const claiming = this.client
      .claim({ workerId: this.workerId, limit, jobTypes: this.jobTypes, leaseSeconds: this.leaseSeconds })
      .then(
        (jobs) => {
          this.errorStreak = 0;
          this.requested -= limit;
          // Jobs claimed while stopping wait in the local queue, which stop() hands back at once.
          for (const job of jobs) {
            if (!this.stopping && this.active.size < this.concurrency) this.run(job);
            else this.localQueue.push(job);
          }
          // Fewer than asked: nothing else is ready, unless a wake-up came in meanwhile.
          if (jobs.length < limit && wakes === this.wakes) this.drained = true;
        },
        (error: unknown) => {
          this.requested -= limit;
          this.errorStreak += 1;
          this.report(error);
        },
      )
      .finally(() => {
        this.claims.delete(claiming);
        if (!this.drained && this.errorStreak === 0) this.pump();
        else if (this.claims.size === 0) this.scheduleIdleWake();
        this.emit();
      });
    this.claims.add(claiming);
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
      progressMessage: undefined,
      sentProgressMessage: undefined,
      timeout: undefined,
      timeoutTimer: undefined,
      lost: false,
      released: false,
      cancelled: false,
      heartbeatTimer: setInterval(() => void this.beat(entry), this.heartbeatMs),
      progressTimer: undefined,
      beating: undefined,
      done: Promise.resolve(),
      startedAt: performance.now(),
    };
    this.active.set(job.id, entry);
    this.armTimeout(entry);
    entry.done = this.execute(entry);
    this.emit();
  }

  /** The attempt's time limit: the row's timeout_seconds (its type's setting), else the option's. */
  private timeoutFor(job: Job): number | undefined {
    const option = this.options.timeoutSeconds;
    const seconds = job.timeoutSeconds ?? (typeof option === 'number' ? option : option?.[job.jobType]);
    return seconds !== undefined && seconds !== null && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  }

  /** Past the timeout: abort the processor's signal and stop waiting for it (see runProcessor). */
  private armTimeout(entry: RunningJob): void {
    const seconds = this.timeoutFor(entry.job);
    if (seconds === undefined) return;
    entry.timeout = new Promise<never>((_, reject) => {
      entry.timeoutTimer = setTimeout(() => {
        // Cancelled, lost or released first: that outcome stands.
        if (entry.controller.signal.aborted) return;
        const reason = new JobTimeoutError(seconds);
        entry.controller.abort(reason);
        reject(reason);
      }, Math.min(seconds * 1_000, MAX_TIMER_MS));
    });
    entry.timeout.catch(() => undefined);
  }

  private async execute(entry: RunningJob): Promise<void> {
    const outcome = await this.runProcessor(entry);
    if (!this.recorder.batched) {
      try {
        await this.record(entry, outcome);
      } finally {
        this.vacate(entry);
      }
      return;
    }
    // Batched: the slot frees now; the outcome is recorded with the next batch.
    const recording = this.record(entry, outcome);
    this.recording.add(recording);
    this.vacate(entry);
    try {
      await recording;
    } finally {
      this.recording.delete(recording);
      this.emit();
    }
  }

  private async runProcessor(entry: RunningJob): Promise<ProcessorOutcome> {
    const { job } = entry;
    const ctx: JobContext = {
      signal: entry.controller.signal,
      workerId: this.workerId,
      progress: (percent, message) => this.setProgress(entry, percent, message),
    };
    try {
      const processor = this.options.processors[job.jobType];
      if (!processor) throw new PermanentJobError(`no processor for job type ${job.jobType}`);
      // async: a processor that throws synchronously rejects like one that rejects.
      const running = (async (): Promise<unknown> => processor(job as never, ctx))();
      // A processor that ignores its aborted signal cannot hold the slot past its timeout: the
      // attempt fails then, and whatever it does later is ignored.
      if (entry.timeout) running.catch(() => undefined);
      const result = await (entry.timeout ? Promise.race([running, entry.timeout]) : running);
      return { ok: true, result: result === undefined ? null : result };
    } catch (error) {
      return { ok: false, error };
    } finally {
      clearTimeout(entry.timeoutTimer);
    }
  }

  /** The processor is done with its slot: the next prefetched job takes it, or claim more. */
  private vacate(entry: RunningJob): void {
    clearInterval(entry.heartbeatTimer);
    clearTimeout(entry.progressTimer);
    clearTimeout(entry.timeoutTimer);
    this.active.delete(entry.job.id);
    while (!this.stopping && this.running && this.active.size < this.concurrency) {
      const next = this.localQueue.shift();
      if (!next) break;
      this.run(next);
    }
    this.emit();
    if (this.drained) return;
    if (this.prefetch === 0) this.pump();
    else this.pumpSoon();
  }

  // With a local queue, claim once the jobs finishing in this turn of the event loop have freed
  // their slots: one claim for all of them rather than one per job.
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    const later = globalThis.setImmediate ?? ((callback: () => void) => setTimeout(callback, 0));
    later(() => {
      this.pumpScheduled = false;
      if (!this.drained) this.pump();
    });
  }

  private async record(entry: RunningJob, outcome: ProcessorOutcome): Promise<void> {
    const event = await this.recorder.record(
      { job: entry.job, durationMs: performance.now() - entry.startedAt, lost: entry.lost, released: entry.released, cancelled: entry.cancelled },
      outcome,
    );
    if (!event) return;
    if (event.outcome === 'completed') this.processed += 1;
    if (event.outcome === 'failed') this.failed += 1;
    this.tally?.add(event);
    this.finished(event);
    const lifecycleEvent = lifecycleEventOf(event);
    if (lifecycleEvent) this.lifecycle.emit(lifecycleEvent);
  }

  /** The debug summary of the runs since the last one, if there were any. */
  private logDrain(): void {
    const line = this.tally?.take();
    if (line === undefined) return;
    try {
      this.logger?.debug(line);
    } catch (error) {
      this.report(error);
    }
  }

  private finished(event: JobFinishedEvent): void {
    if (!this.options.onJobFinished) return;
    try {
      this.options.onJobFinished(event);
    } catch (listenerError) {
      this.report(listenerError);
    }
  }

  /** Keeps a prefetched job's lease; false once it is lost. */
  private async keepAlive(job: Job): Promise<boolean> {
    try {
      await this.client.heartbeat(job.id, this.workerId, { leaseSeconds: this.leaseSeconds });
      return true;
    } catch (error) {
      if (error instanceof LeaseLostError) return false;
      this.report(error);
      return true;
    }
  }

  /** Prefetched jobs never started: back to the queue now, not after their lease. */
  private async releaseQueued(): Promise<void> {
    const jobs = this.localQueue.drain();
    if (jobs.length === 0) return;
    await this.client
      .release(
        jobs.map((job) => job.id),
        this.workerId,
      )
      .catch((error: unknown) => this.report(error));
    for (const job of jobs) this.finished({ job, outcome: 'released', durationMs: 0 });
    this.emit();
  }

  private setProgress(entry: RunningJob, percent: number, message?: string): void {
    if (Number.isFinite(percent)) entry.progress = Math.min(100, Math.max(0, Math.round(percent)));
    if (message !== undefined && message !== null) {
      // Cut by code points, never inside a surrogate pair (which the database would refuse).
      entry.progressMessage = Array.from(String(message)).slice(0, PROGRESS_MESSAGE_MAX).join('');
    }
    this.emit();
    const unsent = entry.progress !== entry.sentProgress || entry.progressMessage !== entry.sentProgressMessage;
    if (entry.progressTimer === undefined && unsent) {
      entry.progressTimer = setTimeout(() => {
        entry.progressTimer = undefined;
        void this.beat(entry);
      }, PROGRESS_FLUSH_MS);
    }
  }

  private beat(entry: RunningJob): Promise<void> {
    if (entry.beating || entry.lost || entry.released) return entry.beating ?? Promise.resolve();
    const progress = entry.progress;
    const message = entry.progressMessage;
    // The step goes out only when it changed ('' clears it), so plain heartbeats stay as before.
    const step = message === entry.sentProgressMessage ? {} : { progressMessage: message ?? '' };
    entry.beating = this.client
      .heartbeat(entry.job.id, this.workerId, { progress, leaseSeconds: this.leaseSeconds, ...step })
      .then((cancelRequested) => {
        entry.sentProgress = progress;
        entry.sentProgressMessage = message;
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
        if (entry.progress !== entry.sentProgress || entry.progressMessage !== entry.sentProgressMessage) {
          this.setProgress(entry, entry.progress);
        }
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
        ...(entry.progressMessage === undefined ? {} : { progressMessage: entry.progressMessage }),
        startedAt: entry.job.startedAt ?? new Date(),
      })),
      processed: this.processed,
      failed: this.failed,
      lastError: this.lastError,
    };
  }

  // The snapshot is rebuilt lazily, on the next getSnapshot(): a busy worker emits per job.
  private emit(): void {
    // Gone idle after work (the last claim came back short, nothing left running): one summary.
    if (this.tally && this.drained && !this.busy()) this.logDrain();
    this.snapshotStale = true;
    for (const listener of this.listeners) listener();
  }
}
