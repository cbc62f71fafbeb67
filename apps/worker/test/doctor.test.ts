import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../src/doctor/migrations/readMigrations';
import { runDoctor, type DoctorReport } from '../src/doctor/runDoctor';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';
import { checkOf as check, definedIn, failedChecks as failed, grantedIn, runTessera } from './support/doctor';

// `tessera doctor` against real Postgres: a freshly migrated copy of the run's template passes;
// copies broken on purpose fail, naming each broken thing. Each broken case gets its own copy.

const ENQUEUE = 'public.enqueue_job(text, jsonb, integer, timestamptz, integer, text)';
const CLAIM = 'public.claim_jobs(text, integer, text[], integer)';
// What plain Postgres lacks compared with Supabase: warnings, never failures.
const PLAIN_POSTGRES_WARNINGS = ['pg-cron', 'pg-net', 'realtime', 'workers'];

let healthy: WorkerTestDatabase;
const copies: WorkerTestDatabase[] = [];

beforeAll(async () => {
  healthy = await createWorkerTestDatabase();
});
afterAll(async () => {
  await healthy?.close();
});
afterEach(async () => {
  await Promise.all(copies.splice(0).map((db) => db.close()));
});

/** A fresh migrated copy, broken by `sql` (run as the superuser). */
async function brokenCopy(sql: string): Promise<WorkerTestDatabase> {
  const db = await createWorkerTestDatabase();
  copies.push(db);
  await db.sql(sql);
  return db;
}

describe('tessera doctor on a freshly migrated database', () => {
  it('passes: everything the migrations define is in place; only what plain Postgres lacks warns', async () => {
    const report = await runDoctor({ databaseUrl: healthy.url });
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const warned = report.checks.filter((c) => c.status === 'warn').map((c) => c.id);
    expect(PLAIN_POSTGRES_WARNINGS).toEqual(expect.arrayContaining(warned));
    for (const id of ['schema-version', 'functions', 'function-security', 'rls', 'roles', 'grants', 'pauses', 'stalled-jobs', 'failed-jobs']) {
      expect(check(report, id).status, `${id}: ${check(report, id).summary}`).toBe('ok');
    }
    const migrations = readMigrations();
    expect(check(report, 'schema-version').summary).toContain(`${migrations.length} of ${migrations.length} migrations applied`);
    expect(check(report, 'rls').summary).toMatch(/job_queue/);
    // Every warning says what to do.
    for (const warning of report.checks.filter((c) => c.status === 'warn')) expect(warning.fix).toBeTruthy();
  });

  it('exits 0 from the command line and prints the same report as JSON', async () => {
    const { code, stdout } = await runTessera(['doctor', '--database-url', healthy.url, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toContain('grants');
    expect(report.counts.fail).toBe(0);
  });
});

describe('tessera doctor on broken copies', () => {
  it('names a dropped function, and the command exits 1 saying FAIL and how to fix it', async () => {
    const db = await brokenCopy('drop function public.get_job(uuid)');
    const report = await runDoctor({ databaseUrl: db.url });
    expect(failed(report)).toEqual(['functions']);
    const file = definedIn('public.get_job(uuid)');
    expect(check(report, 'functions').problems).toEqual([`public.get_job(uuid) is missing (defined in ${file})`]);
    expect(check(report, 'functions').fix).toContain(`supabase/migrations/${file}`);

    const { code, stdout } = await runTessera(['doctor', '--database-url', db.url]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL\s+Contract functions/);
    expect(stdout).toContain('- public.get_job(uuid) is missing');
    expect(stdout).toContain(`fix: re-apply supabase/migrations/${file}`);
  });

  it('names a function whose argument types differ from the migrations', async () => {
    const db = await brokenCopy(`
      drop function public.next_run_at(text[]);
      create function public.next_run_at(p_job_type text) returns timestamptz
        language sql stable security definer set search_path = '' as $$ select now() $$;`);
    const report = await runDoctor({ databaseUrl: db.url });
    expect(check(report, 'functions').problems).toEqual([
      `public.next_run_at(text[]) has other argument types here: next_run_at(text) (defined in ${definedIn('public.next_run_at(text[])')})`,
    ]);
  });

  it('names a table with row-level security disabled', async () => {
    const db = await brokenCopy('alter table public.job_queue disable row level security');
    const report = await runDoctor({ databaseUrl: db.url });
    expect(failed(report)).toEqual(['rls']);
    expect(check(report, 'rls').problems).toEqual([
      'RLS is disabled on public.job_queue: every API role with a grant reads every row',
    ]);
    expect(check(report, 'rls').fix).toBe('alter table public.job_queue enable row level security;');
  });

  it('names a missing grant and an anon grant the migrations revoke', async () => {
    const db = await brokenCopy(`
      revoke execute on function ${ENQUEUE} from authenticated;
      grant execute on function ${CLAIM} to anon;`);
    const report = await runDoctor({ databaseUrl: db.url });
    expect(failed(report)).toEqual(['grants']);
    expect(check(report, 'grants').problems).toEqual([
      `authenticated cannot EXECUTE ${ENQUEUE} (granted in ${grantedIn(ENQUEUE, 'authenticated')})`,
      `anon can EXECUTE ${CLAIM} (revoked in ${grantedIn(CLAIM, 'anon')})`,
    ]);
  });

  it('names a security invoker function and one without a fixed search_path', async () => {
    const db = await brokenCopy(`
      alter function ${ENQUEUE} security invoker;
      alter function public.cancel_job(uuid) reset search_path;`);
    const report = await runDoctor({ databaseUrl: db.url });
    expect(failed(report)).toEqual(['function-security']);
    expect(check(report, 'function-security').problems).toEqual([
      `${ENQUEUE} is security invoker; ${definedIn(ENQUEUE)} makes it security definer`,
      `public.cancel_job(uuid) has no fixed search_path; ${definedIn('public.cancel_job(uuid)')} sets search_path = ''`,
    ]);
  });

  it('names every broken thing at once in a copy broken four ways', async () => {
    const db = await brokenCopy(`
      drop function public.get_job(uuid);
      alter table public.job_queue disable row level security;
      revoke execute on function ${ENQUEUE} from authenticated;
      alter function public.retry_job(uuid) security invoker;`);
    const report = await runDoctor({ databaseUrl: db.url });
    expect(failed(report).sort()).toEqual(['function-security', 'functions', 'grants', 'rls']);
    const problems = report.checks.flatMap((c) => c.problems).join('\n');
    expect(problems).toContain('public.get_job(uuid) is missing');
    expect(problems).toContain('RLS is disabled on public.job_queue');
    expect(problems).toContain(`authenticated cannot EXECUTE ${ENQUEUE}`);
    expect(problems).toContain('public.retry_job(uuid) is security invoker');
  });
});
