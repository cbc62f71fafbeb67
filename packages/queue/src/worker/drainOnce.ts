import type { QueueClient } from '../client';
import { ValidationError } from '../errors';
import { JobWorker } from './JobWorker';
import type { LifecycleListener, WorkerLogger } from './lifecycle';
import type { JobContext, JobFinishedEvent, JobWorkerBatchOptions, Processor, Processors } from './types';

export interface DrainOnceOptions {
  /** Start at most this many jobs (default 50). */
  maxJobs?: number;
  /** Claim and run for at most this long (default 20 000 ms). */
  maxMs?: number;
  /**
   * Jobs still running at maxMs get this long to finish; then their signal aborts and they go
   * back to the queue at once, the attempt not counted (default 1 000 ms). The call resolves
   * within about maxMs + graceMs + one release round trip (+ up to 1 s for processors that
   * ignore their signal to settle).
   */
  graceMs?: number;
  /** Jobs run at once (default 4). */
  concurrency?: number;
  /** Lease per claim (default 60 s; heartbeats keep longer jobs). */
  leaseSeconds?: number;
  /** Job types to claim (default: the keys of `processors`). */
  jobTypes?: string[];
  workerId?: string;
  /** Record outcomes in batches, fewer round trips (default on). */
  batch?: boolean | JobWorkerBatchOptions;
  onJobFinished?: (event: JobFinishedEvent) => void;
  /** Each job's lifecycle event (completed, failed, retrying, stalled). */
  onLifecycle?: LifecycleListener;
  /** Log "Processed X jobs: Y succeeded, Z failed" once at the end of a drain that ran jobs. */
  debug?: boolean;
  /** Where the debug line goes (default console). */
  logger?: WorkerLogger;
  onError?: (error: unknown) => void;
}

/** Why the drain ended. `error`: claims kept failing (lastError says why). */
export type DrainStopReason = 'empty' | 'maxJobs' | 'maxMs' | 'error';

export interface DrainOnceResult {
  workerId: string;
  /** Runs whose outcome was recorded or found lost: succeeded + failed + cancelled + lost. */
  processed: number;
  succeeded: number;
  /** Attempts that failed (the job retries after its backoff while attempts remain). */
  failed: number;
  cancelled: number;
  /** The lease was lost while the job ran (the outcome was not recorded). */
  lost: number;
  /** Started or claimed but unfinished at the end: back in the queue, attempt not counted. */
  released: number;
  durationMs: number;
  stoppedBy: DrainStopReason;
  lastError: string | null;
}

/**
 * One bounded pass over the queue, for runtimes that live per request (an Edge Function, a
 * cron-triggered lambda): claims and runs jobs with JobWorker (heartbeats, cancellation,
 * timeouts and outcome recording are the worker's) until maxJobs were started, maxMs passed or
 * nothing is left to claim, then hands back what it could not finish (release_jobs).
 */
export async function drainOnce(
  client: QueueClient,
  processors: Processors,
  options: DrainOnceOptions = {},
): Promise<DrainOnceResult> {
  const startedAt = performance.now();
  const jobTypes = options.jobTypes ?? Object.keys(processors);
  if (jobTypes.length === 0) throw new ValidationError('drainOnce needs at least one job type (no processors given)');
  const maxJobs = Math.max(1, Math.floor(options.maxJobs ?? 50));
  const maxMs = Math.max(0, options.maxMs ?? 20_000);
  const graceMs = Math.max(0, options.graceMs ?? 1_000);
  const counts = { succeeded: 0, failed: 0, cancelled: 0, lost: 0, released: 0 };
  const started = new Set<string>();
  const settled = new Set<string>();
  let starts = 0;
  let stoppedBy: DrainStopReason | undefined;
  let stopping: Promise<void> | undefined;
  let stopRequested!: () => void;
  const requested = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });

  const stop = (reason: DrainStopReason, grace: number) => {
    if (stopping) return;
    stoppedBy = reason;
    stopping = worker.stop({ graceMs: Math.max(0, grace) });
    stopRequested();
  };
  const remainingMs = () => maxMs - (performance.now() - startedAt);

  // Each processor counts its start; the one that reaches maxJobs stops the worker at once (in
  // the same turn, so jobs claimed with it stay in the local queue, which stop() releases).
  const counted = (processor: Processor<never>): Processor<never> => (job, ctx) => {
    starts += 1;
    started.add(job.id);
    if (starts > maxJobs) return waitForRelease(ctx); // cannot happen while stop() is synchronous: a safety net
    if (starts === maxJobs) stop('maxJobs', remainingMs() + graceMs);
    return processor(job, ctx);
  };
  const wrapped = Object.fromEntries(Object.entries(processors).map(([type, processor]) => [type, counted(processor)]));

  const worker: JobWorker = new JobWorker(client, {
    processors: wrapped,
    jobTypes,
    workerId: options.workerId,
    concurrency: Math.min(Math.max(1, Math.floor(options.concurrency ?? 4)), maxJobs),
    leaseSeconds: options.leaseSeconds ?? 60,
    // No LISTEN and no idle poll: the drain ends when a claim comes back short.
    listen: false,
    intervalMs: Number.POSITIVE_INFINITY,
    batch: options.batch ?? true,
    onJobFinished: (event) => {
      settled.add(event.job.id);
      if (event.outcome === 'completed') counts.succeeded += 1;
      else counts[event.outcome] += 1;
      options.onJobFinished?.(event);
    },
    onLifecycle: options.onLifecycle,
    debug: options.debug,
    logger: options.logger,
    onError: options.onError,
  });

  // Claims failing with nothing running (database unreachable): give up now, not at maxMs.
  const unsubscribe = worker.subscribe(() => {
    const snapshot = worker.getSnapshot();
    if (snapshot.state === 'error' && snapshot.activeJobs.length === 0) stop('error', graceMs);
  });
  const deadline = setTimeout(() => stop('maxMs', graceMs), maxMs);
  worker.start();
  void worker.whenIdle().then(() => stop('empty', 0));

  await requested;
  await stopping;
  clearTimeout(deadline);
  unsubscribe();
  // A processor that ignored its signal may not have reported yet; stop() released its job.
  for (const id of started) if (!settled.has(id)) counts.released += 1;

  const snapshot = worker.getSnapshot();
  return {
    workerId: worker.workerId,
    processed: counts.succeeded + counts.failed + counts.cancelled + counts.lost,
    ...counts,
    durationMs: Math.round(performance.now() - startedAt),
    stoppedBy: stoppedBy ?? 'empty',
    lastError: snapshot.lastError,
  };
}

/** Holds a job that should not have started until stop() aborts and releases it. */
function waitForRelease(ctx: JobContext): Promise<never> {
  return new Promise((_, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });
}
