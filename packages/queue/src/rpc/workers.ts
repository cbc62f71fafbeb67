import { z } from 'zod';
import { jobStatusSchema, jobTypeSchema } from '../schemas';
import type { Transport } from '../transport';
import { callRpc, parseInput } from './call';

// Typed wrappers of migration 0019: live workers (worker_heartbeat, list_workers, forget_worker)
// and what happens next to a job (job_wait_reason).

export const WORKER_KINDS = ['browser', 'node', 'edge'] as const;
export const workerKindSchema = z.enum(WORKER_KINDS);
export type WorkerKind = z.infer<typeof workerKindSchema>;

const noControlCharacters = (value: string) => !/\p{Cc}/u.test(value);

export const workerReportSchema = z
  .object({
    workerId: z.string().min(1).max(200).refine(noControlCharacters, 'worker id must not contain control characters'),
    /** 'browser' as a signed-in user; 'node' and 'edge' with the service role only. */
    kind: workerKindSchema,
    version: z.string().min(1).max(100).refine(noControlCharacters, 'version must not contain control characters').optional(),
    /** Jobs running now. */
    running: z.number().int().min(0).max(10_000).default(0),
    /** The worker's own totals since it started (set, not added). */
    processed: z.number().int().min(0).default(0),
    failed: z.number().int().min(0).default(0),
    /** The job types it claims; omitted or null = any type. */
    jobTypes: z.array(jobTypeSchema).min(1).max(100).nullable().optional(),
    /** The last report of a graceful stop: the worker is not alive from then on. */
    stopping: z.boolean().optional(),
  })
  .strict();
export type WorkerReport = z.input<typeof workerReportSchema>;

/** Records that a worker is alive, with its counters (upsert by worker id). */
export async function workerHeartbeat(transport: Transport, report: WorkerReport): Promise<void> {
  const r = parseInput(() => workerReportSchema.parse(report));
  await callRpc(transport, 'worker_heartbeat', {
    p_worker_id: r.workerId,
    p_kind: r.kind,
    p_version: r.version,
    p_running: r.running,
    p_processed: r.processed,
    p_failed: r.failed,
    p_job_types: r.jobTypes ?? undefined,
    p_stopping: r.stopping,
  });
}

const timestamp = z.string().transform((value) => new Date(value));

const workerRowSchema = z
  .object({
    worker_id: z.string(),
    kind: workerKindSchema,
    user_id: z.string().nullable(),
    job_types: z.array(z.string()).nullable(),
    version: z.string().nullable(),
    started_at: timestamp,
    last_seen_at: timestamp,
    stopped_at: timestamp.nullable(),
    running: z.coerce.number(),
    processed: z.coerce.number(),
    failed: z.coerce.number(),
    alive: z.boolean(),
  })
  .transform((row) => ({
    workerId: row.worker_id,
    kind: row.kind,
    userId: row.user_id,
    jobTypes: row.job_types,
    version: row.version,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
    stoppedAt: row.stopped_at,
    running: row.running,
    processed: row.processed,
    failed: row.failed,
    alive: row.alive,
  }));
export type QueueWorker = z.output<typeof workerRowSchema>;

export const listWorkersInputSchema = z
  .object({
    /** Workers seen within this many seconds (default 3600; at most 30 days). */
    sinceSeconds: z.number().int().min(1).max(30 * 86_400).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type ListWorkersInput = z.input<typeof listWorkersInputSchema>;

/** Workers seen recently, newest first, each with `alive` (admins and the service role only). */
export async function listWorkers(transport: Transport, input: ListWorkersInput = {}): Promise<QueueWorker[]> {
  const { sinceSeconds, limit } = parseInput(() => listWorkersInputSchema.parse(input));
  const rows = await callRpc(transport, 'list_workers', {
    p_since: sinceSeconds === undefined ? undefined : `${sinceSeconds} seconds`,
    p_limit: limit,
  });
  return z.array(workerRowSchema).parse(rows);
}

/** Deletes a worker's row (admin); false when there was none. */
export async function forgetWorker(transport: Transport, workerId: string): Promise<boolean> {
  const id = parseInput(() => z.string().min(1).max(200).parse(workerId));
  return z.boolean().parse(await callRpc(transport, 'forget_worker', { p_worker_id: id }));
}

/** What job_wait_reason says will happen to a job; see the codes in migration 0019. */
export const JOB_WAIT_CODES = [
  'finished',
  'running',
  'stalled',
  'paused',
  'scheduled',
  'browser_or_server',
  'browser',
  'server',
  'no_worker',
] as const;
export const jobWaitCodeSchema = z.enum(JOB_WAIT_CODES);
export type JobWaitCode = z.infer<typeof jobWaitCodeSchema>;

const jobWaitReasonSchema = z
  .object({
    code: jobWaitCodeSchema,
    message: z.string(),
    status: jobStatusSchema,
    run_at: timestamp,
    browser: z.boolean(),
    server: z.boolean(),
  })
  .transform((row) => ({
    code: row.code,
    message: row.message,
    status: row.status,
    runAt: row.run_at,
    /** A live browser worker of the job's owner can take its type. */
    browser: row.browser,
    /** A live server worker (node, edge) can take its type. */
    server: row.server,
  }));
export type JobWaitReason = z.output<typeof jobWaitReasonSchema>;

/** What happens next to one of the caller's own jobs (NotFoundError for anyone else's). */
export async function jobWaitReason(transport: Transport, jobId: string): Promise<JobWaitReason> {
  const id = parseInput(() => z.string().uuid('job id must be a uuid').parse(jobId));
  return jobWaitReasonSchema.parse(await callRpc(transport, 'job_wait_reason', { p_job_id: id }));
}
