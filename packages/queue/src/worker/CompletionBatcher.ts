import type { QueueClient } from '../client';
import { TransportError, ValidationError } from '../errors';
import type { Completion, Failure } from '../rpc/batch';
import { FINISH_BATCH_MAX } from '../rpc/batch';

/** recorded: the database took the outcome; lost: the lease was no longer ours. */
export type FinishOutcome = 'recorded' | 'lost';

export interface CompletionBatcherOptions {
  /** Flush as soon as this many outcomes wait (default 100, at most 1000). */
  maxBatch?: number;
  /** ...or this long after the first of them arrived (default 5 ms). */
  delayMs?: number;
  /** Keep retrying a flush that could not reach the database for this long (default 30 s). */
  retryForMs?: number;
}

interface Waiting<T> {
  item: T;
  resolve(outcome: FinishOutcome): void;
  reject(error: unknown): void;
}

const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Records job outcomes in batches: one complete_jobs (or fail_jobs) statement per batch instead
 * of one round trip per job. Each caller still learns its own job's fate ('recorded' or 'lost').
 */
export class CompletionBatcher {
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly retryForMs: number;
  private completions: Array<Waiting<Completion>> = [];
  private failures: Array<Waiting<Failure>> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly client: QueueClient,
    private readonly workerId: string,
    options: CompletionBatcherOptions = {},
  ) {
    this.maxBatch = Math.min(FINISH_BATCH_MAX, Math.max(1, Math.floor(options.maxBatch ?? 100)));
    this.delayMs = Math.max(0, options.delayMs ?? 5);
    this.retryForMs = options.retryForMs ?? 30_000;
  }

  /** Outcomes queued or being sent. */
  get pending(): number {
    return this.completions.length + this.failures.length + this.inFlight.size;
  }

  complete(jobId: string, result: unknown): Promise<FinishOutcome> {
    try {
      // Reject what cannot be stored now, so one bad result does not fail its whole batch.
      if (result !== undefined && JSON.stringify(result) === undefined) throw new TypeError('not representable as JSON');
    } catch (error) {
      return Promise.reject(new ValidationError(`result is not JSON: ${(error as Error).message}`, { cause: error }));
    }
    return this.enqueue(this.completions, { jobId, result });
  }

  fail(jobId: string, error: string, retryable: boolean): Promise<FinishOutcome> {
    return this.enqueue(this.failures, { jobId, error, retryable });
  }

  /** Sends everything waiting now and resolves once every batch sent so far is settled. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sendWaiting();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private enqueue<T>(queue: Array<Waiting<T>>, item: T): Promise<FinishOutcome> {
    return new Promise<FinishOutcome>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (queue.length >= this.maxBatch) this.sendWaiting();
      else this.timer ??= setTimeout(() => this.sendWaiting(), this.delayMs);
    });
  }

  private sendWaiting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.completions.length > 0) {
      this.track(this.send(this.completions.splice(0, this.maxBatch), (items) => this.client.completeMany(items, this.workerId)));
    }
    while (this.failures.length > 0) {
      this.track(this.send(this.failures.splice(0, this.maxBatch), (items) => this.client.failMany(items, this.workerId)));
    }
  }

  private track(sending: Promise<void>): void {
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  private async send<T extends { jobId: string }>(
    batch: Array<Waiting<T>>,
    sendMany: (items: T[]) => Promise<string[]>,
  ): Promise<void> {
    try {
      const held = new Set(await this.retrying(() => sendMany(batch.map((waiting) => waiting.item))));
      for (const waiting of batch) waiting.resolve(held.has(waiting.item.jobId) ? 'recorded' : 'lost');
    } catch (error) {
      if (!(error instanceof ValidationError) || batch.length === 1) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      // One bad item (e.g. a result over 1 MiB) rejected the batch: find it by sending one by one.
      await Promise.all(batch.map((waiting) => this.send([waiting], sendMany)));
    }
  }

  // A restarting database refuses connections for a while: keep the outcomes and try again.
  private async retrying(attempt: () => Promise<string[]>): Promise<string[]> {
    const deadline = Date.now() + this.retryForMs;
    for (let round = 0; ; round += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof TransportError) || Date.now() >= deadline) throw error;
        await sleep(Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** round));
      }
    }
  }
}
