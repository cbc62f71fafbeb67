import { PermanentJobError, type Job } from '@tessera/queue';
import type { z } from 'zod';

/**
 * Notify jobs come from the database's trigger only: a service job (no owner) with a valid payload.
 * One a user enqueued (user_id set) could aim a signed request or an email anywhere: refused for good.
 */
export function parseServiceJob<S extends z.ZodType>(job: Job, schema: S): z.output<S> {
  if (job.userId !== null) {
    throw new PermanentJobError(`${job.jobType} jobs are enqueued by the database only, not by users`);
  }
  const parsed = schema.safeParse(job.payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`);
    throw new PermanentJobError(`invalid ${job.jobType} payload: ${problems.join('; ')}`);
  }
  return parsed.data;
}
