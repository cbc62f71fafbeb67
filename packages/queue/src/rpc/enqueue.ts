import { enqueueInputSchema, jobRowSchema } from '../schemas';
import type { Transport } from '../transport';
import type { EnqueueInput, Job, JobPayload } from '../types';
import { callRpc, parseInput } from './call';

/** enqueue_job: validated here first, then by the database; returns the live job on a job_key match. */
export async function enqueueJob<P extends JobPayload = JobPayload>(
  transport: Transport,
  input: EnqueueInput,
): Promise<Job<P>> {
  const job = parseInput(() => enqueueInputSchema.parse(input));
  const row = await callRpc(transport, 'enqueue_job', {
    p_job_type: job.jobType,
    p_payload: job.payload,
    p_priority: job.priority,
    p_run_at: job.runAt,
    p_max_attempts: job.maxAttempts,
    p_job_key: job.jobKey,
  });
  return jobRowSchema.parse(row) as Job<P>;
}
