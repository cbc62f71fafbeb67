import type { ExpectedSchema } from './migrations/schemaModel';

/** ok: as it should be; warn: works, but look at it; fail: broken; skip: does not apply here. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckOutcome {
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** Each broken or doubtful thing by name (empty when all is well). */
  problems: string[];
  /** One line: what to do about it (set for warn and fail). */
  fix?: string;
}

export interface CheckResult extends CheckOutcome {
  id: string;
  title: string;
}

/** Read-only queries for the checks (the doctor runs them in a read-only transaction). */
export interface DoctorDb {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface DoctorThresholds {
  /** Failed jobs in the last hour above this → warn (queue_health() uses 10). */
  failedLastHour: number;
}

export interface DoctorContext {
  db: DoctorDb;
  expected: ExpectedSchema;
  thresholds: DoctorThresholds;
}

/** One check, one job: it reads what it needs and says ok/warn/fail with a fix. */
export interface DoctorCheck {
  id: string;
  title: string;
  run(context: DoctorContext): Promise<CheckOutcome>;
}

export const ok = (summary: string): CheckOutcome => ({ status: 'ok', summary, problems: [] });
export const skip = (summary: string): CheckOutcome => ({ status: 'skip', summary, problems: [] });
export const problem = (status: 'warn' | 'fail', summary: string, fix: string, problems: string[] = []): CheckOutcome => ({
  status,
  summary,
  problems,
  fix,
});

/** `migrations/0003_lease.sql`-style pointer used in fixes. */
export const migrationPath = (file: string) => `supabase/migrations/${file}`;

/** "a, b and 3 more" for summaries. */
export function listSome(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
