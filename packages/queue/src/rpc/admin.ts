import { z } from 'zod';
import { jobRowSchema, jobTypeSchema } from '../schemas';
import type { Transport } from '../transport';
import type { Job } from '../types';
import { callRpc, parseInput } from './call';

// Typed wrappers of the admin functions of migration 0011 (admins and the service role only:
// anyone else gets a NotAllowedError from the database).

/** The states the dashboard shows: the five statuses, pending split into ready and scheduled (delayed). */
export const ADMIN_JOB_STATES = ['pending', 'scheduled', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const adminJobStateSchema = z.enum(ADMIN_JOB_STATES);
export type AdminJobState = z.infer<typeof adminJobStateSchema>;

export const adminJobFilterSchema = z
  .object({
    states: z.array(adminJobStateSchema).min(1).optional(),
    jobType: jobTypeSchema.optional(),
    userId: z.string().uuid('user id must be a uuid').optional(),
    errorContains: z.string().max(200).optional(),
  })
  .strict();
export type AdminJobFilter = z.input<typeof adminJobFilterSchema>;

const adminListSchema = adminJobFilterSchema.extend({
  limit: z.number().int().min(1).max(500).optional(),
  before: z.object({ createdAt: z.date(), id: z.string().uuid() }).optional(),
});
export type AdminListInput = z.input<typeof adminListSchema>;

/** A bulk action's target: a selection of job ids, or every job matching a filter. */
export type BulkTarget = { jobIds: readonly string[] } | { filter: AdminJobFilter };

function filterArgs(filter: z.output<typeof adminJobFilterSchema>) {
  return {
    p_statuses: filter.states,
    p_job_type: filter.jobType,
    p_user_id: filter.userId,
    p_error_contains: filter.errorContains || undefined,
  };
}

const jobIdsSchema = z.array(z.string().uuid('job id must be a uuid')).max(10_000);

function targetArgs(target: BulkTarget) {
  if ('jobIds' in target) return { p_job_ids: parseInput(() => jobIdsSchema.parse(target.jobIds)) };
  return filterArgs(parseInput(() => adminJobFilterSchema.parse(target.filter)));
}

/** Every user's jobs, newest first; the next page starts `before` the last row's createdAt and id. */
export async function adminListJobs(transport: Transport, input: AdminListInput = {}): Promise<Job[]> {
  const { limit, before, ...filter } = parseInput(() => adminListSchema.parse(input));
  const rows = await callRpc(transport, 'admin_list_jobs', {
    ...filterArgs(filter),
    p_limit: limit,
    p_before: before?.createdAt,
    p_before_id: before?.id,
  });
  return z.array(jobRowSchema).parse(rows);
}

const throughputRowSchema = z
  .object({
    bucket_start: z.string(),
    enqueued: z.coerce.number(),
    completed: z.coerce.number(),
    failed: z.coerce.number(),
    cancelled: z.coerce.number(),
  })
  .transform((row) => ({
    bucketStart: new Date(row.bucket_start),
    enqueued: row.enqueued,
    completed: row.completed,
    failed: row.failed,
    cancelled: row.cancelled,
  }));
export type ThroughputBucket = z.output<typeof throughputRowSchema>;

/** Jobs enqueued and finished per bucket (default: minutes of the last hour), zeros included. */
export async function queueThroughput(
  transport: Transport,
  options: { since?: Date; bucketSeconds?: number } = {},
): Promise<ThroughputBucket[]> {
  const seconds = parseInput(() => z.number().int().min(1).max(86_400).parse(options.bucketSeconds ?? 60));
  const rows = await callRpc(transport, 'queue_throughput', {
    p_since: options.since,
    p_bucket: `${seconds} seconds`,
  });
  return z.array(throughputRowSchema).parse(rows);
}

const countSchema = z.number().int();

/** Failed or cancelled → pending again (jobs whose job_key is live again are skipped). Returns how many. */
export async function retryJobs(transport: Transport, target: BulkTarget): Promise<number> {
  return countSchema.parse(await callRpc(transport, 'retry_jobs', targetArgs(target)));
}

/** Pending → cancelled; running → cancel requested. Returns how many changed. */
export async function cancelJobs(transport: Transport, target: BulkTarget): Promise<number> {
  return countSchema.parse(await callRpc(transport, 'cancel_jobs', targetArgs(target)));
}

/** Deletes the targeted jobs that are not running. Returns how many. */
export async function deleteJobs(transport: Transport, target: BulkTarget): Promise<number> {
  return countSchema.parse(await callRpc(transport, 'delete_jobs', targetArgs(target)));
}

/** Delayed jobs run now. Returns how many. */
export async function promoteJobs(transport: Transport, target: BulkTarget): Promise<number> {
  return countSchema.parse(await callRpc(transport, 'promote_jobs', targetArgs(target)));
}

/** One delayed job runs now; workers are woken. */
export async function promoteJob(transport: Transport, jobId: string): Promise<Job> {
  const id = parseInput(() => z.string().uuid('job id must be a uuid').parse(jobId));
  return jobRowSchema.parse(await callRpc(transport, 'promote_job', { p_job_id: id }));
}

const maintenanceRunSchema = z
  .object({ requeued: z.number().nullable(), cleaned: z.number().nullable(), ran_at: z.string() })
  .transform((run) => ({ requeued: run.requeued, cleaned: run.cleaned, ranAt: new Date(run.ran_at) }))
  .nullable();
/** What one run did (a task that was not due is null), or null when another runner held the lock. */
export type MaintenanceRun = NonNullable<z.output<typeof maintenanceRunSchema>>;

export interface RunMaintenanceOptions {
  /** Finished jobs older than this are deleted (default 7 days); null: never clean up. */
  cleanupOlderThanSeconds?: number | null;
  requeueEverySeconds?: number;
  cleanupEverySeconds?: number;
}

const secondsSchema = z.number().positive();
const asInterval = (seconds: number | undefined) =>
  seconds === undefined ? undefined : `${parseInput(() => secondsSchema.parse(seconds))} seconds`;

/** requeue_stalled and cleanup_jobs when due, one runner at a time across processes. */
export async function runMaintenance(
  transport: Transport,
  options: RunMaintenanceOptions = {},
): Promise<MaintenanceRun | null> {
  const cleanup = options.cleanupOlderThanSeconds;
  const result = await callRpc(transport, 'run_maintenance', {
    // null is passed on purpose: it turns cleanup off (undefined keeps the 7-day default).
    p_cleanup_older_than: cleanup === null ? null : asInterval(cleanup),
    p_requeue_every: asInterval(options.requeueEverySeconds),
    p_cleanup_every: asInterval(options.cleanupEverySeconds),
  });
  return maintenanceRunSchema.parse(result);
}

export const maintenanceModeSchema = z.enum(['pg_cron', 'worker']);
export type MaintenanceMode = z.infer<typeof maintenanceModeSchema>;

/** 'pg_cron' when the database schedules its own maintenance, else 'worker'. */
export async function maintenanceMode(transport: Transport): Promise<MaintenanceMode> {
  return maintenanceModeSchema.parse(await callRpc(transport, 'maintenance_mode'));
}
