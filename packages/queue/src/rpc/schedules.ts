import { z } from 'zod';
import { cronProblem, normalizeCron } from '../schedules/cron';
import { jobRowSchema, jobTypeSchema, payloadSchema } from '../schemas';
import type { Transport } from '../transport';
import type { Job } from '../types';
import { callRpc, parseInput } from './call';

// Typed wrappers of the schedule functions of migration 0020. Writing and listing schedules is
// for admins and the service role; ticking them (initJobSchedule, runScheduleSlot) for the
// service role only: anyone else gets a NotAllowedError from the database.

export const SCHEDULE_NAME_PATTERN = /^[a-z][a-z0-9_.:-]{0,63}$/;

export const scheduleNameSchema = z
  .string()
  .regex(SCHEDULE_NAME_PATTERN, 'schedule name must match ^[a-z][a-z0-9_.:-]{0,63}$ (lower case, starts with a letter)');

/** A schedule as an admin writes it. The cron expression is checked with croner here, before any call. */
export const jobScheduleInputSchema = z
  .object({
    name: scheduleNameSchema,
    /** 5 fields (minute hour day month weekday), 6 (seconds first), or @hourly/@daily/@weekly/@monthly/@yearly. */
    cron: z.string().trim().min(1, 'cron expression is required').max(200).transform(normalizeCron),
    /** IANA time zone the cron expression is read in (default UTC). */
    timeZone: z.string().min(1).max(64).default('UTC'),
    jobType: jobTypeSchema,
    payload: payloadSchema.default({}),
    /** 1 is the highest priority, 10 the lowest (default 5). */
    priority: z.number().int().min(1).max(10).default(5),
    /** Attempts of each job (default: the queue's default). */
    maxAttempts: z.number().int().min(1).max(25).optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((input, ctx) => {
    const problem = cronProblem(input.cron, input.timeZone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
  });
export type JobScheduleInput = z.input<typeof jobScheduleInputSchema>;

const timestamp = z.string().transform((value) => new Date(value));

/** A job_schedules row as the database returns it (JSON), turned into a `JobSchedule`. */
export const jobScheduleRowSchema = z
  .object({
    name: z.string(),
    cron: z.string(),
    time_zone: z.string(),
    job_type: z.string(),
    payload: z.record(z.string(), z.unknown()),
    priority: z.number(),
    max_attempts: z.number().nullable(),
    enabled: z.boolean(),
    last_run_at: timestamp.nullable(),
    last_job_id: z.string().nullable(),
    next_run_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .transform((row) => ({
    name: row.name,
    cron: row.cron,
    timeZone: row.time_zone,
    jobType: row.job_type,
    payload: row.payload,
    priority: row.priority,
    maxAttempts: row.max_attempts,
    enabled: row.enabled,
    /** The scheduled time of the last slot that ran. */
    lastRunAt: row.last_run_at,
    lastJobId: row.last_job_id,
    /** The next slot; null until a ticker has computed it. */
    nextRunAt: row.next_run_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
export type JobSchedule = z.output<typeof jobScheduleRowSchema>;

const scheduleRowsSchema = z.array(jobScheduleRowSchema);

/** Every schedule, by name. */
export async function listJobSchedules(transport: Transport): Promise<JobSchedule[]> {
  return scheduleRowsSchema.parse(await callRpc(transport, 'list_job_schedules'));
}

/** Creates or replaces the schedule `input.name`; a changed timing starts again from the next slot. */
export async function upsertJobSchedule(transport: Transport, input: JobScheduleInput): Promise<JobSchedule> {
  const schedule = parseInput(() => jobScheduleInputSchema.parse(input));
  const row = await callRpc(transport, 'upsert_job_schedule', {
    p_name: schedule.name,
    p_cron: schedule.cron,
    p_job_type: schedule.jobType,
    p_payload: schedule.payload,
    p_time_zone: schedule.timeZone,
    p_priority: schedule.priority,
    p_max_attempts: schedule.maxAttempts ?? null,
    p_enabled: schedule.enabled,
  });
  return jobScheduleRowSchema.parse(row);
}

/** Enables or disables a schedule; slots that pass while it is disabled never run. */
export async function setJobScheduleEnabled(transport: Transport, name: string, enabled: boolean): Promise<JobSchedule> {
  const valid = parseInput(() => scheduleNameSchema.parse(name));
  const row = await callRpc(transport, 'set_job_schedule_enabled', { p_name: valid, p_enabled: enabled });
  return jobScheduleRowSchema.parse(row);
}

/** Deletes a schedule (the jobs it already enqueued stay). NotFoundError when there is none. */
export async function deleteJobSchedule(transport: Transport, name: string): Promise<void> {
  const valid = parseInput(() => scheduleNameSchema.parse(name));
  await callRpc(transport, 'delete_job_schedule', { p_name: valid });
}

/** Stores a schedule's first next slot (while it has none, and its timing is still this one). */
export async function initJobSchedule(
  transport: Transport,
  schedule: Pick<JobSchedule, 'name' | 'cron' | 'timeZone'>,
  nextRunAt: Date,
): Promise<boolean> {
  const stored = await callRpc(transport, 'init_job_schedule', {
    p_name: schedule.name,
    p_cron: schedule.cron,
    p_time_zone: schedule.timeZone,
    p_next_run_at: nextRunAt,
  });
  return stored === true;
}

const slotJobsSchema = z.array(jobRowSchema).max(1);

/** Runs the slot `slot` of a schedule: its job, or null when another ticker (or a change) got there first. */
export async function runScheduleSlot(transport: Transport, name: string, slot: Date, nextRunAt: Date): Promise<Job | null> {
  const rows = await callRpc(transport, 'run_schedule_slot', { p_name: name, p_slot: slot, p_next_run_at: nextRunAt });
  return slotJobsSchema.parse(rows)[0] ?? null;
}
