import { claimInputSchema, jobRowSchema } from '../schemas';
import type { Transport } from '../transport';
import type { ClaimInput, Job } from '../types';
import { callRpc, parseInput } from './call';
import { z } from 'zod';

const jobRowsSchema = z.array(jobRowSchema);
const idsSchema = z.array(z.string());

/** claim_jobs: up to `limit` jobs, leased to `workerId` for `leaseSeconds`. */
export async function claimJobs(transport: Transport, input: ClaimInput): Promise<Job[]> {
  const claim = parseInput(() => claimInputSchema.parse(input));
  const rows = await callRpc(transport, 'claim_jobs', {
    p_worker_id: claim.workerId,
    p_limit: claim.limit,
    p_job_types: claim.jobTypes,
    p_lease_seconds: claim.leaseSeconds,
  });
  return jobRowsSchema.parse(rows);
}

export interface HeartbeatOptions {
  progress?: number;
  leaseSeconds?: number;
  /** The running step ("rendering"), at most 200 characters; '' clears it, omitted keeps it. */
  progressMessage?: string;
}

/** heartbeat_job: extends the lease and stores progress (and its step); resolves to `cancel_requested`. */
export async function heartbeatJob(
  transport: Transport,
  jobId: string,
  workerId: string,
  options: HeartbeatOptions = {},
): Promise<boolean> {
  const cancelRequested = await callRpc(transport, 'heartbeat_job', {
    p_job_id: jobId,
    p_worker_id: workerId,
    p_progress: options.progress,
    p_lease_seconds: options.leaseSeconds,
    // Sent only when given: a database without 0018 still takes the other heartbeats.
    p_progress_message: options.progressMessage,
  });
  return cancelRequested === true;
}

export async function completeJob(transport: Transport, jobId: string, workerId: string, result?: unknown): Promise<Job> {
  const row = await callRpc(transport, 'complete_job', {
    p_job_id: jobId,
    p_worker_id: workerId,
    p_result: result === undefined ? null : result,
  });
  return jobRowSchema.parse(row);
}

export async function failJob(
  transport: Transport,
  jobId: string,
  workerId: string,
  error: string,
  retryable = true,
): Promise<Job> {
  const row = await callRpc(transport, 'fail_job', {
    p_job_id: jobId,
    p_worker_id: workerId,
    p_error: error,
    p_retryable: retryable,
  });
  return jobRowSchema.parse(row);
}

/** release_jobs: back to pending at once, attempt not counted; resolves to the ids still held. */
export async function releaseJobs(transport: Transport, jobIds: readonly string[], workerId: string): Promise<string[]> {
  if (jobIds.length === 0) return [];
  const ids = await callRpc(transport, 'release_jobs', { p_job_ids: [...jobIds], p_worker_id: workerId });
  return idsSchema.parse(ids);
}
