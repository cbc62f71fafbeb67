import type { Job } from '../types';
import type { JobFinishedEvent } from './types';

/**
 * What app code hears about a job this worker ran:
 * - `completed`: the result is recorded.
 * - `failed`: failed for good (no attempts left, or a PermanentJobError / rejected result).
 * - `retrying`: this attempt failed and the job runs again after its backoff (`retryAt`).
 * - `stalled`: this worker lost the job's lease while it ran (it expired and the job was
 *   requeued or reclaimed elsewhere); the outcome was not recorded by this worker.
 * Cancelled and released runs have no lifecycle event (see `onJobFinished` for every outcome).
 */
export type LifecycleEventType = 'completed' | 'failed' | 'retrying' | 'stalled';

export interface LifecycleEvent {
  type: LifecycleEventType;
  /** The job as this worker claimed it (status 'processing', attempts counting this attempt). */
  job: Job;
  /** The attempt's error message (failed, retrying). */
  error?: string;
  /** Time the processor ran, in milliseconds. */
  durationMs?: number;
  /** retrying: when the job is due again (known when the outcome was recorded one by one). */
  retryAt?: Date;
}

export type LifecycleListener = (event: LifecycleEvent) => void;

/** Where the `debug` drain summary goes: pino, console, or anything with a debug method. */
export interface WorkerLogger {
  debug(message: string): void;
}

/** The lifecycle event of a finished run, or undefined for runs that have none. */
export function lifecycleEventOf(finished: JobFinishedEvent): LifecycleEvent | undefined {
  const base = {
    job: finished.job,
    durationMs: finished.durationMs,
    ...(finished.error === undefined ? {} : { error: finished.error }),
  };
  switch (finished.outcome) {
    case 'completed':
      return { type: 'completed', ...base };
    case 'failed':
      return finished.willRetry
        ? { type: 'retrying', ...base, ...(finished.retryAt ? { retryAt: finished.retryAt } : {}) }
        : { type: 'failed', ...base };
    case 'lost':
      return { type: 'stalled', ...base };
    default:
      return undefined;
  }
}

/**
 * A tiny typed event hub (no Node EventEmitter, so it runs in browsers and Deno). A listener
 * that throws does not stop the others; its error goes to `onListenerError`.
 */
export class LifecycleEvents {
  private readonly listeners = new Map<LifecycleEventType | '*', Set<LifecycleListener>>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** Listens to one type, or every type with '*'; returns the unsubscribe. */
  on(type: LifecycleEventType | '*', listener: LifecycleListener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    // Wrapped, so the same function registered twice is two subscriptions, each removable.
    const entry: LifecycleListener = (event) => listener(event);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit(event: LifecycleEvent): void {
    for (const key of [event.type, '*'] as const) {
      for (const listener of [...(this.listeners.get(key) ?? [])]) {
        try {
          listener(event);
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
  }
}

/**
 * Counts the runs of one drain (from waking up to going idle) for the `debug` summary line:
 * "Processed X jobs: Y succeeded, Z failed" (seed 000's wording, also for X = 1). X counts every recorded run, so
 * cancelled and stalled runs are appended when there were any; Z counts failed attempts,
 * retried or not (as the worker's `failed` count does).
 */
export class DrainTally {
  private counts = { completed: 0, failed: 0, cancelled: 0, lost: 0 };

  add(finished: JobFinishedEvent): void {
    if (finished.outcome === 'released') return;
    this.counts[finished.outcome] += 1;
  }

  /** The summary of the runs counted since the last take(), or undefined if none; resets. */
  take(): string | undefined {
    const { completed, failed, cancelled, lost } = this.counts;
    const total = completed + failed + cancelled + lost;
    if (total === 0) return undefined;
    this.counts = { completed: 0, failed: 0, cancelled: 0, lost: 0 };
    let line = `Processed ${total} jobs: ${completed} succeeded, ${failed} failed`;
    if (cancelled > 0) line += `, ${cancelled} cancelled`;
    if (lost > 0) line += `, ${lost} stalled`;
    return line;
  }
}
