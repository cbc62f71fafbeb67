import { completeJobs, enqueueJobs, failJobs, type Completion, type Failure } from './rpc/batch';
import { enqueueJob } from './rpc/enqueue';
import { claimJobs, completeJob, failJob, heartbeatJob, releaseJobs } from './rpc/lease';
import { cancelJob, deleteJob, pauseQueue, resumeQueue, retryJob } from './rpc/manage';
import { getJob, isQueueAdmin, listJobs, queueHealth, queueStats } from './rpc/observe';
import { cleanupJobs, requeueStalled } from './rpc/maintenance';
import type { Transport } from './transport';
import type { ClaimInput, EnqueueInput, Job, JobPayload, ListFilter, QueueHealth, QueueStats } from './types';

/**
 * The typed face of the queue's SQL functions. Who the caller is (user, admin, service role)
 * is the transport's business; every permission is decided by the database.
 */
export class QueueClient {
  constructor(readonly transport: Transport) {}

  enqueue<P extends JobPayload = JobPayload>(input: EnqueueInput): Promise<Job<P>> {
    return enqueueJob<P>(this.transport, input);
  }

  /** All-or-nothing bulk enqueue (at most 10,000): one job per input, in input order. */
  enqueueMany<P extends JobPayload = JobPayload>(inputs: readonly EnqueueInput[]): Promise<Job<P>[]> {
    return enqueueJobs<P>(this.transport, inputs);
  }

  get(jobId: string): Promise<Job> {
    return getJob(this.transport, jobId);
  }

  list(filter?: ListFilter): Promise<Job[]> {
    return listJobs(this.transport, filter);
  }

  cancel(jobId: string): Promise<Job> {
    return cancelJob(this.transport, jobId);
  }

  retry(jobId: string): Promise<Job> {
    return retryJob(this.transport, jobId);
  }

  delete(jobId: string): Promise<void> {
    return deleteJob(this.transport, jobId);
  }

  stats(): Promise<QueueStats[]> {
    return queueStats(this.transport);
  }

  health(): Promise<QueueHealth> {
    return queueHealth(this.transport);
  }

  isAdmin(): Promise<boolean> {
    return isQueueAdmin(this.transport);
  }

  pause(jobType?: string): Promise<void> {
    return pauseQueue(this.transport, jobType);
  }

  resume(jobType?: string): Promise<void> {
    return resumeQueue(this.transport, jobType);
  }

  requeueStalled(): Promise<number> {
    return requeueStalled(this.transport);
  }

  cleanup(olderThanSeconds?: number): Promise<number> {
    return cleanupJobs(this.transport, olderThanSeconds);
  }

  // The worker side of the contract.

  claim(input: ClaimInput): Promise<Job[]> {
    return claimJobs(this.transport, input);
  }

  heartbeat(jobId: string, workerId: string, options?: { progress?: number; leaseSeconds?: number }): Promise<boolean> {
    return heartbeatJob(this.transport, jobId, workerId, options);
  }

  complete(jobId: string, workerId: string, result?: unknown): Promise<Job> {
    return completeJob(this.transport, jobId, workerId, result);
  }

  fail(jobId: string, workerId: string, error: string, retryable = true): Promise<Job> {
    return failJob(this.transport, jobId, workerId, error, retryable);
  }

  /** Completes the jobs whose lease `workerId` still holds, in one statement; resolves to their ids. */
  completeMany(completions: readonly Completion[], workerId: string): Promise<string[]> {
    return completeJobs(this.transport, completions, workerId);
  }

  /** Fails the jobs whose lease `workerId` still holds, in one statement; resolves to their ids. */
  failMany(failures: readonly Failure[], workerId: string): Promise<string[]> {
    return failJobs(this.transport, failures, workerId);
  }

  release(jobIds: readonly string[], workerId: string): Promise<string[]> {
    return releaseJobs(this.transport, jobIds, workerId);
  }
}
