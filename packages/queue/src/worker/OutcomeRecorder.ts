import type { QueueClient } from '../client';
import { LeaseLostError, PermanentJobError, ValidationError } from '../errors';
import type { Job } from '../types';
import { CompletionBatcher } from './CompletionBatcher';
import { errorMessage } from './errorMessage';
import type { JobFinishedEvent, JobOutcome, JobWorkerBatchOptions } from './types';

export type ProcessorOutcome = { ok: true; result: unknown } | { ok: false; error: unknown };

/** A finished run, as the worker saw it. */
export interface FinishedRun {
  job: Job;
  durationMs: number;
  /** Someone else holds the job now, or stop() handed it back: not ours to record. */
  lost: boolean;
  released: boolean;
  /** A cancel was requested while it ran. */
  cancelled: boolean;
}

/**
 * Records how each run ended in the database: one complete_job / fail_job call per job, or in
 * batches (complete_jobs / fail_jobs) through a CompletionBatcher. Resolves to what was recorded,
 * or undefined when recording failed (the error went to `report`).
 */
export class OutcomeRecorder {
  private readonly batcher: CompletionBatcher | undefined;

  constructor(
    private readonly client: QueueClient,
    private readonly workerId: string,
    batch: boolean | JobWorkerBatchOptions | undefined,
    private readonly report: (error: unknown) => void,
  ) {
    this.batcher = batch
      ? new CompletionBatcher(client, workerId, typeof batch === 'object' ? { maxBatch: batch.maxSize, delayMs: batch.delayMs } : {})
      : undefined;
  }

  get batched(): boolean {
    return this.batcher !== undefined;
  }

  /** Sends every batched outcome now and waits for them. */
  async flush(): Promise<void> {
    await this.batcher?.flush();
  }

  async record(run: FinishedRun, outcome: ProcessorOutcome): Promise<JobFinishedEvent | undefined> {
    const event = (result: JobOutcome, error?: string, retry?: Pick<JobFinishedEvent, 'willRetry' | 'retryAt'>): JobFinishedEvent => ({
      job: run.job,
      outcome: result,
      durationMs: run.durationMs,
      ...(error === undefined ? {} : { error }),
      ...retry,
    });
    if (run.lost || run.released) return event(run.released ? 'released' : 'lost');
    let message: string | undefined;
    try {
      if (outcome.ok) return event((await this.complete(run.job.id, outcome.result)) ? 'completed' : 'lost');
      message = errorMessage(outcome.error);
      const retryable = !(outcome.error instanceof PermanentJobError);
      const recorded = await this.fail(run.job.id, message, retryable);
      if (!recorded.held) return event('lost', message);
      if (run.cancelled || recorded.row?.status === 'cancelled') return event('cancelled', message);
      return event('failed', message, willRetry(run.job, retryable, recorded.row));
    } catch (error) {
      if (error instanceof LeaseLostError) return event('lost', message);
      if (outcome.ok && (error instanceof ValidationError || error instanceof TypeError)) {
        // The result could not be stored (too large, not JSON): that is the job's failure, for good.
        const rejected = `result rejected: ${errorMessage(error)}`;
        await this.client.fail(run.job.id, this.workerId, rejected, false).catch((next: unknown) => this.report(next));
        return event('failed', rejected, { willRetry: false });
      }
      this.report(error);
      return undefined;
    }
  }

  /** true when recorded; false (or LeaseLostError) when the lease was no longer ours. */
  private async complete(jobId: string, result: unknown): Promise<boolean> {
    if (this.batcher) return (await this.batcher.complete(jobId, result)) === 'recorded';
    await this.client.complete(jobId, this.workerId, result);
    return true;
  }

  /** held: false when the lease was no longer ours; row: the recorded row (one-by-one only). */
  private async fail(jobId: string, message: string, retryable: boolean): Promise<{ held: boolean; row?: Job }> {
    if (this.batcher) return { held: (await this.batcher.fail(jobId, message, retryable)) === 'recorded' };
    return { held: true, row: await this.client.fail(jobId, this.workerId, message, retryable) };
  }
}

/**
 * Whether a recorded failure goes back to the queue. fail_job returns the row: it retries when
 * the row is pending again (then run_at is when). fail_jobs returns ids only: the SQL's own rule
 * (retryable and attempts < max_attempts; claim already counted this attempt) on the claimed job.
 */
function willRetry(claimed: Job, retryable: boolean, row: Job | undefined): Pick<JobFinishedEvent, 'willRetry' | 'retryAt'> {
  if (row) return row.status === 'pending' ? { willRetry: true, retryAt: row.runAt } : { willRetry: false };
  return { willRetry: retryable && claimed.attempts < claimed.maxAttempts };
}
