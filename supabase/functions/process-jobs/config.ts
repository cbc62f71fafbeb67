import { PublicAppUrlError, requirePublicAppUrl } from '@tessera/certificates';
import { JOB_TYPE_PATTERN, z } from '@tessera/queue';
import { DEFAULT_FONTS_URL } from './fonts.ts';

/** The environment cannot run the function; the message says which variable and why. */
export class EdgeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdgeConfigError';
  }
}

const integer = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);

const required = (name: string, why: string) => z.string({ error: `${name} is not set: ${why}` }).min(1, `${name} is empty: ${why}`);

const publicAppUrl = z.string().optional().transform((value, ctx) => {
  try {
    return requirePublicAppUrl(value, 'PUBLIC_APP_URL');
  } catch (error) {
    if (!(error instanceof PublicAppUrlError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const jobTypes = z
  .string()
  .transform((list) => list.split(',').map((type) => type.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(JOB_TYPE_PATTERN, 'PROCESS_JOBS_TYPES: each job type must match ^[a-z][a-z0-9_.:-]{0,63}$')).min(1))
  .optional();

/**
 * The function's environment. Supabase sets SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY for every
 * Edge Function; PUBLIC_APP_URL (`supabase secrets set`) is required, as for the Node worker.
 */
const envSchema = z
  .object({
    SUPABASE_URL: required('SUPABASE_URL', 'Supabase sets it for Edge Functions; elsewhere set the project URL').pipe(
      z.url('SUPABASE_URL must be a URL'),
    ),
    SUPABASE_SERVICE_ROLE_KEY: required('SUPABASE_SERVICE_ROLE_KEY', 'the function works as the service role'),
    PUBLIC_APP_URL: publicAppUrl,
    /** A shared secret callers may send instead of the service role key (Authorization: Bearer …). */
    PROCESS_JOBS_SECRET: z.string().min(16, 'PROCESS_JOBS_SECRET must be at least 16 characters').optional(),
    PROCESS_JOBS_MAX_JOBS: integer('PROCESS_JOBS_MAX_JOBS', 1, 1_000, 50),
    PROCESS_JOBS_MAX_MS: integer('PROCESS_JOBS_MAX_MS', 100, 300_000, 20_000),
    PROCESS_JOBS_GRACE_MS: integer('PROCESS_JOBS_GRACE_MS', 0, 60_000, 1_000),
    PROCESS_JOBS_CONCURRENCY: integer('PROCESS_JOBS_CONCURRENCY', 1, 50, 4),
    PROCESS_JOBS_TYPES: jobTypes,
    PROCESS_JOBS_SCHEDULES: z.enum(['true', 'false'], { error: 'PROCESS_JOBS_SCHEDULES must be true or false' }).default('true'),
    /** A module exporting more processors ({ jobType: fn }), as the Node worker's --processors. */
    PROCESS_JOBS_PROCESSORS: z.string().min(1).optional(),
    CERTIFICATE_STORE: z
      .enum(['database', 'supabase-storage'], { error: 'CERTIFICATE_STORE must be database or supabase-storage' })
      .default('database'),
    /** Where to fetch the DejaVu TTF files when the npm package is not on disk. */
    CERTIFICATE_FONTS_URL: z.url('CERTIFICATE_FONTS_URL must be a URL').default(DEFAULT_FONTS_URL),
    /** Serve on this port (local runs and tests); on Supabase the runtime decides. */
    PROCESS_JOBS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    PROCESS_JOBS_WORKER_ID: z.string().min(1).max(200).optional(),
  })
  .transform((env) => ({
    supabaseUrl: env.SUPABASE_URL,
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
    publicAppUrl: env.PUBLIC_APP_URL,
    /** Bearer tokens that may trigger a run. */
    secrets: [env.SUPABASE_SERVICE_ROLE_KEY, ...(env.PROCESS_JOBS_SECRET ? [env.PROCESS_JOBS_SECRET] : [])],
    drain: {
      maxJobs: env.PROCESS_JOBS_MAX_JOBS,
      maxMs: env.PROCESS_JOBS_MAX_MS,
      graceMs: env.PROCESS_JOBS_GRACE_MS,
      concurrency: env.PROCESS_JOBS_CONCURRENCY,
    },
    jobTypes: env.PROCESS_JOBS_TYPES,
    schedules: env.PROCESS_JOBS_SCHEDULES === 'true',
    processorsModule: env.PROCESS_JOBS_PROCESSORS,
    certificateStore: env.CERTIFICATE_STORE,
    fontsUrl: env.CERTIFICATE_FONTS_URL,
    port: env.PROCESS_JOBS_PORT,
    workerId: env.PROCESS_JOBS_WORKER_ID,
  }));

export type EdgeConfig = z.output<typeof envSchema>;

/** Reads the environment; throws EdgeConfigError listing every problem. */
export function readEdgeConfig(env: Record<string, string | undefined>): EdgeConfig {
  // An empty variable is an unset one (`supabase secrets set X=` leaves "").
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  - ${issue.message}`);
  throw new EdgeConfigError(`process-jobs cannot start:\n${problems.join('\n')}`);
}
