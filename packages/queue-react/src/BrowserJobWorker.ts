import {
  JobWorker,
  PermanentJobError,
  errorMessage,
  type ActiveJob,
  type Job,
  type JobContext,
  type LifecycleEventType,
  type LifecycleListener,
  type Processors,
  type QueueClient,
} from '@tessera/queue';
import { BrowserPresence } from './BrowserPresence';
import type { BrowserJobWorkerOptions, BrowserWorkerSnapshot, BrowserWorkerState } from './browserWorkerTypes';
import { jobChanges, type JobChange } from './jobChanges';
import { LeaderLock, leaderLockName } from './LeaderLock';
import { nextRunAt } from './nextRunAt';
import { transportPushSource, type PushSource } from './PushSource';
import { TabChannel } from './TabChannel';
import { listenForWakeSignals } from './wakeSignals';
import { WakeTimers } from './WakeTimers';

export type { BrowserJobWorkerOptions, BrowserWorkerSnapshot, BrowserWorkerState, JobChange };

/**
 * The browser worker of one user, framework-free: elects one leader tab (Web Locks), runs the
 * core JobWorker only there, and wakes it instead of polling: on its own enqueue (`wake()`), on
 * other tabs' enqueues (BroadcastChannel), on push (Realtime/LISTEN), on `visibilitychange` and
 * `online`, and at the next delayed job's `run_at`. It polls every `intervalMs` only while no
 * push channel is connected. React binds to it with `subscribe`/`getSnapshot`.
 */
export class BrowserJobWorker {
  readonly jobTypes: readonly string[];
  private processors: Processors;
  private readonly core: JobWorker;
  private readonly lock: LeaderLock;
  private readonly channel: TabChannel;
  private readonly push: PushSource | null;
  private readonly timers: WakeTimers;
  private readonly graceMs: number;
  /** queue_workers reports: only after work, never while idle. */
  private readonly presence: BrowserPresence;

  private running = false;
  /** Bumped by start and stop, so callbacks of an earlier run (StrictMode remounts) do nothing. */
  private generation = 0;
  private isLeader = false;
  /** The generation whose leadership started the core loop: wakes before that have nothing to wake. */
  private loopGeneration: number | undefined;
  private pushConnected = false;
  private lastError: string | null = null;
  private teardown: Array<() => void | Promise<void>> = [];
  private releaseLock: (() => void) | undefined;
  private idleWatchGeneration: number | undefined;
  private readonly inflight = new Set<Promise<unknown>>();
  private coreStopped: Promise<void> = Promise.resolve();
  private stopped: Promise<void> = Promise.resolve();
  private lastActive: readonly ActiveJob[] = [];
  private snapshot: BrowserWorkerSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly jobChangeListeners = new Set<(change: JobChange) => void>();

  constructor(
    private readonly client: QueueClient,
    private readonly options: BrowserJobWorkerOptions,
  ) {
    this.processors = options.processors;
    this.jobTypes = [...(options.jobTypes ?? Object.keys(options.processors))];
    this.graceMs = options.graceMs ?? 5_000;
    this.lock = new LeaderLock(leaderLockName(options.userId), { locks: options.locks });
    this.channel = options.channel ?? TabChannel.forUser(options.userId);
    this.push = options.push === false ? null : (options.push ?? transportPushSource(client.transport));
    this.timers = new WakeTimers(options.intervalMs ?? 10_000, () => this.wake());
    // The core neither polls nor listens: this class decides when it looks for work.
    this.core = new JobWorker(client, {
      processors: Object.fromEntries(this.jobTypes.map((type) => [type, this.delegateTo(type)])),
      jobTypes: [...this.jobTypes],
      concurrency: options.concurrency,
      leaseSeconds: options.leaseSeconds ?? 60,
      workerId: options.workerId,
      intervalMs: Infinity,
      listen: false,
      onError: (error) => this.report(error),
    });
    this.core.subscribe(this.onCoreChange);
    this.presence = new BrowserPresence({
      workerId: this.core.workerId,
      jobTypes: this.jobTypes,
      // Best effort: a lost report is not a worker error (the next one after work retries).
      send: (report) => this.track(this.client.reportWorker(report)).catch((error: unknown) => this.options.onError?.(error)),
    });
    this.snapshot = this.buildSnapshot();
  }

  /** Newer processors for the same job types (a re-render passed new functions). */
  setProcessors(processors: Processors): void {
    this.processors = processors;
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    const generation = ++this.generation;
    const current = () => this.generation === generation;
    this.teardown = listenForWakeSignals(
      { push: this.push, channel: this.channel, jobTypes: this.jobTypes },
      this.wake,
      (connected) => {
        if (current()) this.setPushConnected(connected);
      },
    );
    this.releaseLock = this.lock.acquire((isLeader) => {
      if (current()) this.setLeader(isLeader, generation);
    });
    this.refresh();
    return this;
  }

  /** Look for work now (this tab enqueued, or was told of a change). Only the leader does. */
  wake = (): void => {
    if (!this.running || !this.isLeader || this.loopGeneration !== this.generation) return;
    this.core.wake();
    this.watchForIdle(this.generation);
  };

  /**
   * Stops looking for work, lets running jobs finish for up to `graceMs`, releases the rest, and
   * only then gives the leader lock to the next tab. No RPC is made once this resolves.
   */
  stop({ graceMs = this.graceMs }: { graceMs?: number } = {}): Promise<void> {
    if (!this.running) return this.stopped;
    this.running = false;
    this.generation += 1;
    this.isLeader = false;
    this.loopGeneration = undefined;
    this.pushConnected = false;
    this.timers.clear();
    const teardown = this.teardown.splice(0);
    const releaseLock = this.releaseLock;
    this.releaseLock = undefined;
    const coreStopped = (this.coreStopped = this.coreStopped.then(() => this.core.stop({ graceMs })));
    this.stopped = (async () => {
      const unsubscribed = Promise.allSettled(teardown.map(async (undo) => undo()));
      await coreStopped;
      await Promise.allSettled([...this.inflight]);
      await unsubscribed;
      releaseLock?.();
    })();
    this.refresh();
    return this.stopped;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): BrowserWorkerSnapshot => this.snapshot;

  /**
   * Lifecycle events (completed, failed, retrying, stalled) of the jobs this tab runs: only the
   * leader tab runs jobs, so only its listeners hear them. Returns the unsubscribe.
   */
  on(type: LifecycleEventType | '*', listener: LifecycleListener): () => void {
    return this.core.on(type, listener);
  }

  /** Jobs this worker started, finished or advanced, for caches to follow. */
  onJobChange(listener: (change: JobChange) => void): () => void {
    this.jobChangeListeners.add(listener);
    return () => this.jobChangeListeners.delete(listener);
  }

  private setLeader(isLeader: boolean, generation: number): void {
    if (isLeader === this.isLeader) return;
    this.isLeader = isLeader;
    if (isLeader) {
      this.presence.reset();
      // A stop of the loop may still be finishing (StrictMode remount, stolen lock): start after it.
      void this.coreStopped.then(() => {
        if (this.generation !== generation || !this.isLeader) return;
        this.loopGeneration = generation;
        this.core.start(); // claims at once: jobs may have waited while no tab led
        this.watchForIdle(generation);
        void this.watchAbandonedLeases(generation);
      });
    } else {
      this.loopGeneration = undefined;
      this.coreStopped = this.coreStopped.then(() => this.core.stop({ graceMs: 0 }));
    }
    this.updateTimers();
    this.refresh();
  }

  private setPushConnected(connected: boolean): void {
    if (connected === this.pushConnected) return;
    this.pushConnected = connected;
    this.updateTimers();
    if (connected) this.wake(); // what changed while the channel was down was not pushed
    this.refresh();
  }

  private updateTimers(): void {
    if (!this.running || !this.isLeader) this.timers.clear();
    else this.timers.setPolling(!this.pushConnected);
  }

  // One watcher per run: it outlives the wakes that come while the loop is busy.
  private watchForIdle(generation: number): void {
    if (this.idleWatchGeneration === generation) return;
    this.idleWatchGeneration = generation;
    void this.core.whenIdle().then(async () => {
      if (this.idleWatchGeneration === generation) this.idleWatchGeneration = undefined;
      if (this.generation !== generation || !this.isLeader) return;
      try {
        const runAt = await this.track(nextRunAt(this.client.transport, this.jobTypes));
        if (this.generation === generation && this.isLeader) this.timers.wakeAt(runAt);
      } catch (error) {
        this.report(error);
      }
    });
  }

  /**
   * A tab that closed mid-job leaves its job leased until the lease ends, and nothing announces
   * that moment (next_run_at sees pending jobs only), so the new leader sets an alarm for it: one
   * RPC on taking the lead, and one more per further lease end if several jobs are held elsewhere.
   * The user's own jobs only (an admin's list holds everyone's).
   */
  private async watchAbandonedLeases(generation: number): Promise<void> {
    if (this.generation !== generation || !this.isLeader) return;
    try {
      const running = await this.track(this.client.list({ statuses: ['processing'], limit: 100 }));
      if (this.generation !== generation || !this.isLeader) return;
      const ends = running
        .filter((job) => job.userId === this.options.userId && this.jobTypes.includes(job.jobType))
        .filter((job) => job.lockedBy !== this.core.workerId && job.lockedUntil)
        .map((job) => job.lockedUntil!.getTime());
      if (ends.length === 0) return;
      const again = ends.length > 1 ? () => void this.watchAbandonedLeases(generation) : undefined;
      this.timers.wakeWhenLeaseEnds(new Date(Math.min(...ends)), again);
    } catch (error) {
      this.report(error);
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    void promise.then(
      () => this.inflight.delete(promise),
      () => this.inflight.delete(promise),
    );
    return promise;
  }

  private delegateTo(jobType: string) {
    return (job: Job<never>, ctx: JobContext): unknown => {
      const processor = this.processors[jobType];
      if (!processor) throw new PermanentJobError(`no processor for job type ${jobType}`);
      return processor(job, ctx);
    };
  }

  private readonly onCoreChange = (): void => {
    const core = this.core.getSnapshot();
    if (this.running && this.isLeader) this.presence.observe(core);
    const active = core.activeJobs;
    const changes = jobChanges(this.lastActive, active);
    this.lastActive = active;
    for (const change of changes) this.announce(change);
    this.refresh();
  };

  private announce(change: JobChange): void {
    for (const listener of [...this.jobChangeListeners]) listener(change);
    this.channel.post({ type: 'job-changed', ...change });
  }

  private report(error: unknown): void {
    this.lastError = errorMessage(error);
    this.options.onError?.(error);
    this.refresh();
  }

  private buildSnapshot(): BrowserWorkerSnapshot {
    const core = this.core.getSnapshot();
    let state: BrowserWorkerState;
    if (core.activeJobs.length > 0) state = 'processing';
    else if (!this.running) state = 'paused';
    else if (this.isLeader && core.state === 'error') state = 'error';
    else state = 'idle';
    return {
      state,
      isLeader: this.isLeader,
      pushConnected: this.pushConnected,
      activeJobs: core.activeJobs,
      processed: core.processed,
      failed: core.failed,
      lastError: this.lastError,
    };
  }

  private refresh(): void {
    const next = this.buildSnapshot();
    const previous = this.snapshot;
    const keys = Object.keys(next) as Array<keyof BrowserWorkerSnapshot>;
    if (keys.every((key) => next[key] === previous[key])) return; // same snapshot: no re-render
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}
