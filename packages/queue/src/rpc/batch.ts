import { z } from 'zod';
import { enqueueInputSchema, jobRowSchema } from '../schemas';
import type { Transport } from '../transport';
import type { EnqueueInput, Job, JobPayload } from '../types';
import { callRpc, parseInput } from './call';

/** Most jobs one enqueue_jobs call accepts (the SQL function's limit). */
export const ENQUEUE_BATCH_MAX = 10_000;
/** Most jobs one complete_jobs / fail_jobs call accepts (the SQL functions' limit). */
export const FINISH_BATCH_MAX = 1_000;

const jobRowsSchema = z.array(jobRowSchema);
const idsSchema = z.array(z.string());
const enqueueManySchema = z.array(enqueueInputSchema).max(ENQUEUE_BATCH_MAX, `at most ${ENQUEUE_BATCH_MAX} jobs per call`);

export interface Completion {
  jobId: string;
  /** Stored as the job's result (JSON); omitted or undefined = null. */
  result?: unknown;
}

export interface Failure {
  jobId: string;
  error: string;
  /** false fails the job for good (default true: retried with backoff while attempts remain). */
  retryable?: boolean;
}

/**
 * enqueue_jobs: all-or-nothing; the first bad job rejects the call with its index
 * (`jobs[3]: …`) and nothing is written. Resolves to one job per input, in input order (the
 * live job for a repeated job_key).
 */
export async function enqueueJobs<P extends JobPayload = JobPayload>(
  transport: Transport,
  inputs: readonly EnqueueInput[],
): Promise<Job<P>[]> {
  const jobs = parseInput(() => enqueueManySchema.parse(inputs));
  if (jobs.length === 0) return [];
  const rows = await callRpc(transport, 'enqueue_jobs', {
    p_jobs: jobs.map((job) => ({
      job_type: job.jobType,
      payload: job.payload,
      priority: job.priority ?? null,
      run_at: job.runAt?.toISOString() ?? null,
      max_attempts: job.maxAttempts ?? null,
      job_key: job.jobKey ?? null,
    })),
  });
  return jobRowsSchema.parse(rows) as Job<P>[];
}

/** complete_jobs: completes the jobs whose lease `workerId` still holds; resolves to their ids. */
export async function completeJobs(
  transport: Transport,
  completions: readonly Completion[],
  workerId: string,
): Promise<string[]> {
  if (completions.length === 0) return [];
  const ids = await callRpc(transport, 'complete_jobs', {
    p_job_ids: completions.map((completion) => completion.jobId),
    p_worker_id: workerId,
    // Raw values: buildCall JSON-encodes each jsonb[] element (and refuses what cannot be encoded).
    p_results: completions.map((completion) => completion.result ?? null),
  });
  return idsSchema.parse(ids);
}

/** fail_jobs: fail_job for many jobs at once; resolves to the ids whose lease was still held. */
export async function failJobs(transport: Transport, failures: readonly Failure[], workerId: string): Promise<string[]> {
  if (failures.length === 0) return [];
  const ids = await callRpc(transport, 'fail_jobs', {
    p_job_ids: failures.map((failure) => failure.jobId),
    p_worker_id: workerId,
    p_errors: failures.map((failure) => failure.error),
    p_retryable: failures.map((failure) => failure.retryable ?? true),
  });
  return idsSchema.parse(ids);
}
