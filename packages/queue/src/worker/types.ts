import type { Job, JobPayload } from '../types';
import type { LifecycleListener, WorkerLogger } from './lifecycle';

export interface JobContext {
  /**
   * Aborts when the job is cancelled, its lease is lost, it runs past its timeout (reason: a
   * JobTimeoutError, name 'TimeoutError'), or the worker stops past its grace.
   */
  signal: AbortSignal;
  /**
   * Reports progress 0–100 and, optionally, the running step ('rendering'; stored as the job's
   * progress_message, at most 200 characters); sent with the next heartbeat (throttled).
   */
  progress(percent: number, message?: string): void;
  workerId: string;
}

/** Processors know nothing of the queue: a job in, a JSON result out (or a thrown error). */
export type Processor<P extends JobPayload = JobPayload, R = unknown> = (job: Job<P>, ctx: JobContext) => Promise<R> | R;

export type Processors = Record<string, Processor<never>>;

export type WorkerState = 'idle' | 'processing' | 'paused' | 'error' | 'stopped';

export interface ActiveJob {
  id: string;
  jobType: string;
  attempt: number;
  progress: number;
  /** The step last reported with progress. */
  progressMessage?: string;
  startedAt: Date;
}

/** What the worker is doing; replaced (never mutated) on each change, for useSyncExternalStore. */
export interface WorkerSnapshot {
  state: WorkerState;
  activeJobs: readonly ActiveJob[];
  processed: number;
  failed: number;
  lastError: string | null;
}

/** How a job's run ended, once that is recorded in the database. */
export type JobOutcome =
  | 'completed'
  /** This attempt failed; the job runs again after its backoff while attempts remain. */
  | 'failed'
  | 'cancelled'
  /** The lease was lost (expired and reclaimed, or taken away): the outcome was not recorded. */
  | 'lost'
  /** Handed back to the queue unfinished (stop() past its grace period). */
  | 'released';

export interface JobFinishedEvent {
  job: Job;
  outcome: JobOutcome;
  /** Time the processor ran, in milliseconds. */
  durationMs: number;
  /** The error message of a failed attempt. */
  error?: string;
  /**
   * failed: true when the job goes back to the queue for another attempt, false when it failed
   * for good. From the row fail_job returned (status 'pending'); in batches (fail_jobs returns ids
   * only) from the same rule the SQL applies: retryable (not a PermanentJobError) and the claimed
   * job's attempts < maxAttempts.
   */
  willRetry?: boolean;
  /** failed and willRetry: when the job is due again (the recorded run_at; one-by-one recording only). */
  retryAt?: Date;
}

/** Batched recording of outcomes (complete_jobs / fail_jobs); see CompletionBatcher. */
export interface JobWorkerBatchOptions {
  /** Send a batch as soon as this many outcomes wait (default 100). */
  maxSize?: number;
  /** ...or this long after the first one (default 5 ms). */
  delayMs?: number;
}

export interface JobWorkerOptions {
  processors: Processors;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Poll when nothing wakes the worker (default 10 000 ms). */
  intervalMs?: number;
  /** Lease per claim and heartbeat (default 300 s); a dead worker's jobs return after it. */
  leaseSeconds?: number;
  /** Heartbeat period (default a third of the lease). */
  heartbeatMs?: number;
  /** Listen for enqueue notifications on the transport (default true). */
  listen?: boolean;
  workerId?: string;
  /** Job types to claim (default: the keys of `processors`). */
  jobTypes?: string[];
  /**
   * Longest an attempt may run, in seconds, for jobs whose row has no timeout_seconds (set from
   * the type's settings at enqueue, which wins): one figure for every type, or per type. Past it
   * the job's signal aborts and the attempt fails with `timeout …` (retried while attempts remain).
   */
  timeoutSeconds?: number | Record<string, number>;
  /**
   * Jobs to claim ahead and keep leased in a local queue while others run, so the next job
   * starts without a round trip (default 0). They go back to the queue at once on stop().
   */
  prefetch?: number;
  /**
   * Record completions and failures in batches, one statement per batch, instead of one call
   * per job (default off). A slot frees as soon as the processor returns; stop() and
   * whenIdle() wait until every outcome is recorded.
   */
  batch?: boolean | JobWorkerBatchOptions;
  /** Called once each job's outcome is recorded (or known lost, or released). */
  onJobFinished?: (event: JobFinishedEvent) => void;
  /** Called with each lifecycle event (completed, failed, retrying, stalled); see also `worker.on()`. */
  onLifecycle?: LifecycleListener;
  /** Log "Processed X jobs: Y succeeded, Z failed" each time the worker goes idle after work. */
  debug?: boolean;
  /** Where the debug line goes (default console; nothing is logged without `debug`). */
  logger?: WorkerLogger;
  /** Called with errors the loop survives (claim failed, heartbeat failed, ...). */
  onError?: (error: unknown) => void;
}
