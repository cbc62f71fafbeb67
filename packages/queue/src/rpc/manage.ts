import { z } from 'zod';
import { jobRowSchema, jobTypeSchema } from '../schemas';
import type { Transport } from '../transport';
import type { Job } from '../types';
import { callRpc, parseInput } from './call';

const jobIdSchema = z.string().uuid('job id must be a uuid');

async function jobCommand(transport: Transport, fn: string, jobId: string): Promise<Job> {
  const id = parseInput(() => jobIdSchema.parse(jobId));
  return jobRowSchema.parse(await callRpc(transport, fn, { p_job_id: id }));
}

/** Pending: cancelled now. Running: cancel requested; its worker's signal aborts at the next heartbeat. */
export const cancelJob = (transport: Transport, jobId: string) => jobCommand(transport, 'cancel_job', jobId);

/** Failed or cancelled → pending again from attempt 1. */
export const retryJob = (transport: Transport, jobId: string) => jobCommand(transport, 'retry_job', jobId);

export async function deleteJob(transport: Transport, jobId: string): Promise<void> {
  const id = parseInput(() => jobIdSchema.parse(jobId));
  await callRpc(transport, 'delete_job', { p_job_id: id });
}

/** Admin: stop claiming `jobType` (all types when omitted). */
export async function pauseQueue(transport: Transport, jobType?: string): Promise<void> {
  const type = jobType === undefined ? null : parseInput(() => jobTypeSchema.parse(jobType));
  await callRpc(transport, 'pause_queue', { p_job_type: type });
}

const pauseRowsSchema = z.array(
  z
    .object({ job_type: z.string(), paused_at: z.string(), paused_by: z.string().nullable() })
    .transform((row) => ({ jobType: row.job_type, pausedAt: new Date(row.paused_at), pausedBy: row.paused_by })),
);

/** A paused job type; `*` = every type (pause_queue with no type). */
export type QueuePause = z.output<typeof pauseRowsSchema>[number];

/** What is paused (any signed-in caller). */
export async function listQueuePauses(transport: Transport): Promise<QueuePause[]> {
  return pauseRowsSchema.parse(await callRpc(transport, 'list_queue_pauses'));
}

/** Admin: resume `jobType` (everything when omitted). */
export async function resumeQueue(transport: Transport, jobType?: string): Promise<void> {
  const type = jobType === undefined ? null : parseInput(() => jobTypeSchema.parse(jobType));
  await callRpc(transport, 'resume_queue', { p_job_type: type });
}
