import pg from 'pg';
import { type CheckResult, type CheckStatus, type DoctorCheck, type DoctorDb, type DoctorThresholds } from './check';
import { DOCTOR_CHECKS } from './checks';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from './migrations/readMigrations';
import { buildExpectedSchema } from './migrations/schemaModel';

export interface DoctorOptions {
  databaseUrl: string;
  /** The migrations folder the database is compared with (default: this checkout's). */
  migrationsDir?: string;
  thresholds?: Partial<DoctorThresholds>;
  checks?: readonly DoctorCheck[];
  connectTimeoutMs?: number;
}

export interface DoctorReport {
  /** false when any check failed. */
  ok: boolean;
  database: { url: string; name: string; user: string; serverVersion: string };
  migrationsDir: string;
  checks: CheckResult[];
  counts: Record<CheckStatus, number>;
}

/** The database could not be reached; nothing was checked. */
export class DoctorConnectionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DoctorConnectionError';
  }
}

export const DEFAULT_THRESHOLDS: DoctorThresholds = { failedLastHour: 10 };

/** The URL without its password, for output. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

/**
 * Runs every check in one read-only transaction (works through a transaction pooler too); a
 * check that errors is rolled back to its savepoint and reported as failed, the rest still run.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const expected = buildExpectedSchema(readMigrations(migrationsDir));
  const client = new pg.Client({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'tessera doctor',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DoctorConnectionError(
      `cannot connect to ${redactUrl(options.databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const db: DoctorDb = { query: async (text, params) => (await client.query(text, params)).rows };
  try {
    await client.query("begin transaction read only; set local statement_timeout = '15s'");
    const [info] = await db.query<{ name: string; user: string; version: string }>(
      "select current_database() as name, current_user as user, current_setting('server_version') as version",
    );
    const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    const checks: CheckResult[] = [];
    for (const check of options.checks ?? DOCTOR_CHECKS) {
      await client.query('savepoint doctor_check');
      try {
        const outcome = await check.run({ db, expected, thresholds });
        await client.query('release savepoint doctor_check');
        checks.push({ id: check.id, title: check.title, ...outcome });
      } catch (error) {
        await client.query('rollback to savepoint doctor_check');
        checks.push({
          id: check.id,
          title: check.title,
          status: 'fail',
          summary: `the check could not run: ${error instanceof Error ? error.message : String(error)}`,
          problems: [],
          fix: 'connect as the database owner (e.g. postgres) so the doctor can read the catalogs, then run it again',
        });
      }
    }
    await client.query('rollback');
    const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
    for (const check of checks) counts[check.status] += 1;
    return {
      ok: counts.fail === 0,
      database: { url: redactUrl(options.databaseUrl), name: info!.name, user: info!.user, serverVersion: info!.version },
      migrationsDir,
      checks,
      counts,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
