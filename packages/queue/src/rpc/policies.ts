import { z } from 'zod';
import { jobTypeSchema } from '../schemas';
import type { Transport } from '../transport';
import { callRpc, parseInput } from './call';

/** A retry backoff: fixed = base, exponential = min(cap, base·2^(n−1)); each ± jitter (0–1). */
export const backoffSchema = z
  .object({
    kind: z.enum(['exponential', 'fixed']).optional(),
    baseSeconds: z.number().min(0).max(86_400).optional(),
    capSeconds: z.number().min(0).max(604_800).optional(),
    jitter: z.number().min(0).max(1).optional(),
  })
  .strict();

/** Seconds (a number) or a Postgres interval such as '30 days'. */
const retentionSchema = z.union([z.number().min(0), z.string().min(1).max(100)]);

/**
 * The keys set_job_type_settings takes; each optional (a partial update keeps the others) and
 * nullable (null = back to the default). See the README's "Job types" table.
 */
export const jobTypeSettingsInputSchema = z
  .object({
    userEnqueue: z.boolean().nullable().optional(),
    userPriorityFloor: z.number().int().min(1).max(10).nullable().optional(),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
    timeoutSeconds: z.number().int().min(1).max(86_400).nullable().optional(),
    backoff: backoffSchema.nullable().optional(),
    defaultMaxAttempts: z.number().int().min(1).max(25).nullable().optional(),
    keepCompleted: retentionSchema.nullable().optional(),
    keepFailed: retentionSchema.nullable().optional(),
    serverFallbackAfterSeconds: z.number().int().min(0).max(86_400).nullable().optional(),
  })
  .strict();

export type JobTypeSettingsInput = z.input<typeof jobTypeSettingsInputSchema>;

const storedBackoffSchema = z
  .object({
    kind: z.enum(['exponential', 'fixed']),
    base_seconds: z.number(),
    cap_seconds: z.number(),
    jitter: z.number(),
  })
  .transform((backoff) => ({
    kind: backoff.kind,
    baseSeconds: backoff.base_seconds,
    capSeconds: backoff.cap_seconds,
    jitter: backoff.jitter,
  }));

/** A job_type_settings row as the database returns it, camelCased. Retention is interval text ('30 days'). */
export const jobTypeSettingsRowSchema = z
  .object({
    job_type: z.string(),
    user_enqueue: z.boolean(),
    user_priority_floor: z.number(),
    rate_limit_per_minute: z.number().nullable(),
    timeout_seconds: z.number().nullable(),
    backoff: storedBackoffSchema.nullable(),
    default_max_attempts: z.number().nullable(),
    keep_completed: z.string().nullable(),
    keep_failed: z.string().nullable(),
    server_fallback_after_seconds: z.number().nullable(),
    updated_at: z.string().transform((value) => new Date(value)),
    updated_by: z.string().nullable(),
  })
  .transform((row) => ({
    jobType: row.job_type,
    userEnqueue: row.user_enqueue,
    userPriorityFloor: row.user_priority_floor,
    rateLimitPerMinute: row.rate_limit_per_minute,
    timeoutSeconds: row.timeout_seconds,
    backoff: row.backoff,
    defaultMaxAttempts: row.default_max_attempts,
    keepCompleted: row.keep_completed,
    keepFailed: row.keep_failed,
    serverFallbackAfterSeconds: row.server_fallback_after_seconds,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }));

export type JobTypeSettings = z.output<typeof jobTypeSettingsRowSchema>;

/** The settings JSON the SQL function reads (snake_case); keys left undefined are not sent. */
function toSettingsJson(settings: z.output<typeof jobTypeSettingsInputSchema>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    user_enqueue: settings.userEnqueue,
    user_priority_floor: settings.userPriorityFloor,
    rate_limit_per_minute: settings.rateLimitPerMinute,
    timeout_seconds: settings.timeoutSeconds,
    backoff:
      settings.backoff &&
      Object.fromEntries(
        Object.entries({
          kind: settings.backoff.kind,
          base_seconds: settings.backoff.baseSeconds,
          cap_seconds: settings.backoff.capSeconds,
          jitter: settings.backoff.jitter,
        }).filter(([, value]) => value !== undefined),
      ),
    default_max_attempts: settings.defaultMaxAttempts,
    keep_completed: settings.keepCompleted,
    keep_failed: settings.keepFailed,
    server_fallback_after_seconds: settings.serverFallbackAfterSeconds,
  };
  return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
}

/** Admin: merges `settings` into the type's policy (creating it) and resolves to the resulting row. */
export async function setJobTypeSettings(
  transport: Transport,
  jobType: string,
  settings: JobTypeSettingsInput,
): Promise<JobTypeSettings> {
  const type = parseInput(() => jobTypeSchema.parse(jobType));
  const parsed = parseInput(() => jobTypeSettingsInputSchema.parse(settings));
  const row = await callRpc(transport, 'set_job_type_settings', { p_job_type: type, p_settings: toSettingsJson(parsed) });
  return jobTypeSettingsRowSchema.parse(row);
}

/** Every job type's policy (types without one follow the queue's defaults). Any signed-in caller. */
export async function getJobTypeSettings(transport: Transport): Promise<JobTypeSettings[]> {
  return z.array(jobTypeSettingsRowSchema).parse(await callRpc(transport, 'get_job_type_settings'));
}
