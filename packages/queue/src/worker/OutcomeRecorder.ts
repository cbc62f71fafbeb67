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
    const event = (result: JobOutcome, error?: string): JobFinishedEvent => ({
      job: run.job,
      outcome: result,
      durationMs: run.durationMs,
      ...(error === undefined ? {} : { error }),
    });
    if (run.lost || run.released) return event(run.released ? 'released' : 'lost');
    let message: string | undefined;
    try {
      if (outcome.ok) return event((await this.complete(run.job.id, outcome.result)) ? 'completed' : 'lost');
      message = errorMessage(outcome.error);
      const held = await this.fail(run.job.id, message, !(outcome.error instanceof PermanentJobError));
      return event(!held ? 'lost' : run.cancelled ? 'cancelled' : 'failed', message);
    } catch (error) {
      if (error instanceof LeaseLostError) return event('lost', message);
      if (outcome.ok && (error instanceof ValidationError || error instanceof TypeError)) {
        // The result could not be stored (too large, not JSON): that is the job's failure.
        const rejected = `result rejected: ${errorMessage(error)}`;
        await this.client.fail(run.job.id, this.workerId, rejected, false).catch((next: unknown) => this.report(next));
        return event('failed', rejected);
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

  private async fail(jobId: string, message: string, retryable: boolean): Promise<boolean> {
    if (this.batcher) return (await this.batcher.fail(jobId, message, retryable)) === 'recorded';
    await this.client.fail(jobId, this.workerId, message, retryable);
    return true;
  }
}
