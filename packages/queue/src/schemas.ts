import { z } from 'zod';

/** Job types are lower-case identifiers, as the table's check constraint enforces. */
export const JOB_TYPE_PATTERN = /^[a-z][a-z0-9_.:-]{0,63}$/;
export const PAYLOAD_MAX_BYTES = 65_536;
export const JOB_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const FINAL_STATUSES = ['completed', 'failed', 'cancelled'] as const;

export const jobStatusSchema = z.enum(JOB_STATUSES);

export const jobTypeSchema = z
  .string()
  .regex(JOB_TYPE_PATTERN, 'job type must match ^[a-z][a-z0-9_.:-]{0,63}$ (lower case, starts with a letter)');

const utf8 = new TextEncoder();

export const payloadSchema = z
  .record(z.string(), z.unknown())
  .superRefine((payload, ctx) => {
    let text: string;
    try {
      text = JSON.stringify(payload);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `payload is not JSON-serialisable: ${String(error)}` });
      return;
    }
    const bytes = utf8.encode(text).length;
    if (bytes > PAYLOAD_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', message: `payload is ${bytes} bytes, the limit is ${PAYLOAD_MAX_BYTES} (64 KiB)` });
    }
  });

export const enqueueInputSchema = z
  .object({
    jobType: jobTypeSchema,
    payload: payloadSchema.default({}),
    /** 1 is the highest priority, 10 the lowest. */
    priority: z.number().int().min(1).max(10).optional(),
    runAt: z.date().optional(),
    maxAttempts: z.number().int().min(1).max(25).optional(),
    jobKey: z.string().min(1).max(255).optional(),
  })
  .strict();

export const listFilterSchema = z
  .object({
    statuses: z.array(jobStatusSchema).optional(),
    jobType: jobTypeSchema.optional(),
    limit: z.number().int().min(1).max(500).optional(),
    before: z.object({ createdAt: z.date(), id: z.string().uuid().optional() }).optional(),
  })
  .strict();

export const claimInputSchema = z
  .object({
    workerId: z.string().min(1).max(200),
    limit: z.number().int().min(1).max(1000).default(1),
    jobTypes: z.array(jobTypeSchema).optional(),
    leaseSeconds: z.number().int().min(1).max(86_400).default(300),
  })
  .strict();

const timestamp = z.string().transform((value) => new Date(value));
const nullableTimestamp = timestamp.nullable();

export const jobErrorEntrySchema = z.object({
  attempt: z.number(),
  at: z.string(),
  message: z.string(),
  worker: z.string().optional(),
});

/**
 * The job's timeout (from its type's settings) and its running step. Optional in the `Job` type,
 * so jobs built by hand (fixtures) stay valid; parsed rows always carry them (null when unset).
 */
function jobStepFields(row: { timeout_seconds?: number | null; progress_message?: string | null }): {
  timeoutSeconds?: number | null;
  progressMessage?: string | null;
} {
  return { timeoutSeconds: row.timeout_seconds ?? null, progressMessage: row.progress_message ?? null };
}

/** A job_queue row as the database returns it (JSON), turned into a `Job`. */
export const jobRowSchema = z
  .object({
    id: z.string(),
    job_type: z.string(),
    payload: z.record(z.string(), z.unknown()),
    status: jobStatusSchema,
    priority: z.number(),
    attempts: z.number(),
    max_attempts: z.number(),
    run_at: timestamp,
    locked_by: z.string().nullable(),
    locked_until: nullableTimestamp,
    progress: z.number(),
    result: z.unknown().nullable(),
    error_message: z.string().nullable(),
    errors: z.array(jobErrorEntrySchema),
    job_key: z.string().nullable(),
    cancel_requested: z.boolean(),
    user_id: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    started_at: nullableTimestamp,
    completed_at: nullableTimestamp,
    // Added by 0018; optional so rows of a database without it still parse.
    timeout_seconds: z.number().nullable().optional(),
    progress_message: z.string().nullable().optional(),
  })
  .passthrough()
  .transform((row) => ({
    id: row.id,
    jobType: row.job_type,
    payload: row.payload,
    status: row.status,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    progress: row.progress,
    result: row.result ?? null,
    errorMessage: row.error_message,
    errors: row.errors,
    jobKey: row.job_key,
    cancelRequested: row.cancel_requested,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    ...jobStepFields(row),
  }));

export const queueStatsRowSchema = z
  .object({
    job_type: z.string(),
    pending: z.coerce.number(),
    scheduled: z.coerce.number(),
    processing: z.coerce.number(),
    completed: z.coerce.number(),
    failed: z.coerce.number(),
    cancelled: z.coerce.number(),
    oldest_pending_seconds: z.number().nullable(),
    paused: z.boolean(),
  })
  .transform((row) => ({
    jobType: row.job_type,
    pending: row.pending,
    scheduled: row.scheduled,
    processing: row.processing,
    completed: row.completed,
    failed: row.failed,
    cancelled: row.cancelled,
    oldestPendingSeconds: row.oldest_pending_seconds,
    paused: row.paused,
  }));

export const queueHealthSchema = z.object({
  status: z.enum(['ok', 'warning', 'critical']),
  alerts: z.array(
    z.object({
      code: z.string(),
      level: z.enum(['warning', 'critical']),
      message: z.string(),
      value: z.number(),
      threshold: z.number(),
    }),
  ),
  metrics: z.object({
    failed_last_hour: z.number(),
    waiting: z.number(),
    expired_leases: z.number(),
    oldest_waiting_seconds: z.number(),
  }),
  checked_at: z.string(),
});
