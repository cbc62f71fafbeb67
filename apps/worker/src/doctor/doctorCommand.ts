import { Command } from 'commander';
import { z } from '@tessera/queue';
import { formatReport } from './formatReport';
import { DoctorConnectionError, runDoctor } from './runDoctor';

/** Exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 the doctor could not run. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_UNUSABLE = 2;

const optionsSchema = z.object({
  databaseUrl: z
    .string({ error: '--database-url (or DATABASE_URL) is required' })
    .regex(/^postgres(ql)?:\/\//, '--database-url must be a postgres:// connection string'),
  json: z.boolean().default(false),
  migrations: z.string().min(1).optional(),
  failedThreshold: z.coerce
    .number({ error: '--failed-threshold must be a number' })
    .int('--failed-threshold must be a whole number')
    .min(0, '--failed-threshold must be at least 0')
    .default(10),
});

/** `tessera doctor`: checks a deployment against the migrations folder; sets process.exitCode. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Check a database against supabase/migrations: schema, security, grants, pg_cron, Realtime, stalled and failed jobs, live workers.')
    .option('--database-url <url>', 'Postgres connection string (default: $DATABASE_URL); read-only use')
    .option('--json', 'print the report as JSON')
    .option('--migrations <dir>', 'the migrations folder to compare with (default: this checkout\'s supabase/migrations)')
    .option('--failed-threshold <n>', 'warn when more jobs than this failed in the last hour', '10')
    .action(async (raw: Record<string, unknown>) => {
      process.exitCode = await doctor({ ...raw, databaseUrl: raw.databaseUrl ?? process.env.DATABASE_URL });
    });
}

async function doctor(raw: Record<string, unknown>): Promise<number> {
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    console.error(`tessera doctor: invalid options:\n${parsed.error.issues.map((issue) => `  - ${issue.message}`).join('\n')}`);
    return EXIT_UNUSABLE;
  }
  const options = parsed.data;
  try {
    const report = await runDoctor({
      databaseUrl: options.databaseUrl,
      migrationsDir: options.migrations,
      thresholds: { failedLastHour: options.failedThreshold },
    });
    console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (options.json) console.log(JSON.stringify({ ok: false, error: message }, null, 2));
    console.error(`tessera doctor: ${message}`);
    if (error instanceof DoctorConnectionError) {
      console.error('fix: check the URL, that the database accepts connections from here, and the password');
    }
    return EXIT_UNUSABLE;
  }
}
