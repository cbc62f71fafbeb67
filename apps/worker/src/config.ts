import { PublicAppUrlError, requirePublicAppUrl } from '@tessera/certificates';
// zod comes through @tessera/queue: the worker app has no zod dependency of its own.
import { JOB_TYPE_PATTERN, z } from '@tessera/queue';

/** The CLI's input was not usable; the message says which option and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const jobTypes = z
  .string()
  .transform((list) => list.split(',').map((type) => type.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(JOB_TYPE_PATTERN, 'each job type must match ^[a-z][a-z0-9_.:-]{0,63}$'))
      .min(1, '--types needs at least one job type'),
  );

const PUBLIC_APP_URL_MISSING =
  'PUBLIC_APP_URL is not set (nor --public-app-url): set it to the address where the web app is served, ' +
  'e.g. https://certificates.example.org; certificate QR codes and download links point there';

// Required: a worker that guessed would mail links and print QR codes nobody can open.
const publicAppUrl = z.string({ error: PUBLIC_APP_URL_MISSING }).transform((value, ctx) => {
  try {
    return requirePublicAppUrl(value, 'PUBLIC_APP_URL');
  } catch (error) {
    if (!(error instanceof PublicAppUrlError)) throw error;
    ctx.addIssue({ code: 'custom', message: value.trim() === '' ? PUBLIC_APP_URL_MISSING : error.message });
    return z.NEVER;
  }
});

/** What `tessera-worker` runs with, after defaults; built from flags and the environment. */
export const workerConfigSchema = z
  .object({
    databaseUrl: z
      .string({ error: '--database-url (or DATABASE_URL) is required' })
      .regex(/^postgres(ql)?:\/\//, '--database-url must be a postgres:// connection string'),
    publicAppUrl,
    concurrency: integer('--concurrency', 1, 1000).default(10),
    types: jobTypes.optional(),
    lease: integer('--lease', 1, 86_400).default(300),
    prefetch: integer('--prefetch', 0, 10_000).optional(),
    batchSize: integer('--batch-size', 1, 1000).default(100),
    batchDelayMs: integer('--batch-delay-ms', 0, 10_000).default(5),
    pollIntervalMs: integer('--poll-interval-ms', 100, 3_600_000).default(2_000),
    graceMs: integer('--grace-ms', 0, 3_600_000).default(30_000),
    once: z.boolean().default(false),
    /** Tick recurring schedules (--no-schedules: leave them to other workers or the Edge Function). */
    schedules: z.boolean().default(true),
    httpPort: integer('--http-port', 0, 65_535).optional(),
    logLevel: z.enum(LOG_LEVELS, { error: `--log-level must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    processors: z.string().min(1).optional(),
    workerId: z.string().min(1).max(200, '--worker-id must be at most 200 characters').optional(),
    poolSize: integer('--pool-size', 2, 100).optional(),
  })
  .transform((config) => ({
    ...config,
    // Default: while one batch runs, the next is in the local queue and another on its way.
    prefetch: config.prefetch ?? 2 * config.concurrency,
    // Claims, batched outcomes, heartbeats and the metrics query each need a connection.
    poolSize: config.poolSize ?? Math.min(20, config.concurrency + 4),
  }));

export type WorkerConfig = z.output<typeof workerConfigSchema>;

/** Validates raw options; throws ConfigError listing every problem. */
export function parseWorkerConfig(raw: Record<string, unknown>): WorkerConfig {
  const parsed = workerConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  - ${issue.message}`);
  throw new ConfigError(`invalid options:\n${problems.join('\n')}`);
}
