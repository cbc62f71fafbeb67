import { z } from 'zod';
import { jobRowSchema, listFilterSchema, queueHealthSchema, queueStatsRowSchema } from '../schemas';
import type { Transport } from '../transport';
import type { Job, ListFilter, QueueHealth, QueueStats } from '../types';
import { callRpc, parseInput } from './call';

const jobRowsSchema = z.array(jobRowSchema);
const statsRowsSchema = z.array(queueStatsRowSchema);

export async function getJob(transport: Transport, jobId: string): Promise<Job> {
  const id = parseInput(() => z.string().uuid('job id must be a uuid').parse(jobId));
  return jobRowSchema.parse(await callRpc(transport, 'get_job', { p_job_id: id }));
}

/** Newest first. For the next page pass `before: { createdAt, id }` of the last job. */
export async function listJobs(transport: Transport, filter: ListFilter = {}): Promise<Job[]> {
  const f = parseInput(() => listFilterSchema.parse(filter));
  const rows = await callRpc(transport, 'list_jobs', {
    p_statuses: f.statuses,
    p_job_type: f.jobType,
    p_limit: f.limit,
    p_before: f.before?.createdAt,
    p_before_id: f.before?.id,
  });
  return jobRowsSchema.parse(rows);
}

export async function queueStats(transport: Transport): Promise<QueueStats[]> {
  return statsRowsSchema.parse(await callRpc(transport, 'queue_stats'));
}

export async function queueHealth(transport: Transport): Promise<QueueHealth> {
  return queueHealthSchema.parse(await callRpc(transport, 'queue_health'));
}

export async function isQueueAdmin(transport: Transport): Promise<boolean> {
  return (await callRpc(transport, 'is_queue_admin')) === true;
}
