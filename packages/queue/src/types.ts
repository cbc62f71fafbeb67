import type { z } from 'zod';
import type {
  claimInputSchema,
  enqueueInputSchema,
  jobErrorEntrySchema,
  jobRowSchema,
  jobStatusSchema,
  listFilterSchema,
  queueHealthSchema,
  queueStatsRowSchema,
} from './schemas';

export type JobStatus = z.infer<typeof jobStatusSchema>;
export type JobPayload = Record<string, unknown>;
export type JobErrorEntry = z.infer<typeof jobErrorEntrySchema>;

/** A job as clients see it: camelCase, timestamps as Dates. */
export type Job<P extends JobPayload = JobPayload> = Omit<z.output<typeof jobRowSchema>, 'payload'> & {
  payload: P;
};

export type EnqueueInput = z.input<typeof enqueueInputSchema>;
export type ListFilter = z.input<typeof listFilterSchema>;
export type ClaimInput = z.input<typeof claimInputSchema>;
export type QueueStats = z.output<typeof queueStatsRowSchema>;
export type QueueHealth = z.output<typeof queueHealthSchema>;
