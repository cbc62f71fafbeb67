import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySqlFiles } from '@tessera/queue';
import { readSchemaFiles } from '@tessera/queue/sql';
import type { CheckResult } from '../src/doctor/check';
import { readMigrations } from '../src/doctor/migrations/readMigrations';
import { buildExpectedSchema } from '../src/doctor/migrations/schemaModel';
import { runDoctor, type DoctorReport } from '../src/doctor/runDoctor';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';

// The doctor's pg_cron checks. With the pg_cron cluster of scripts/setup-pg-cron.sh (port 5439)
// they run against real pg_cron; without it, against a stand-in of pg_cron's two tables (same
// columns) on the main test server, and the file says so. Either way every assertion runs.
//
// The cluster is shared and read-only for us: pg_cron's scheduler works only in its
// cron.database_name (tessera_cron, rebuilt by supabase/tests/adminCron.postgres.test.ts), and we
// never touch that database. pg_cron's own script lets `create extension pg_cron` also run in a
// database named contrib_regression (kept for pg_cron's regression tests); jobs scheduled there
// are never run by the scheduler. We create that database, use it and drop it.

const CRON_URL = process.env.TESSERA_PG_CRON_URL ?? 'postgres://postgres@127.0.0.1:5439/postgres';
// The jobs the migrations always schedule where pg_cron is (0012); 0021's Edge Function call is
// optional: scheduled only once configured.
const JOBS = buildExpectedSchema(readMigrations())
  .cronJobs.filter((job) => !job.optional)
  .map((job) => job.name);

function urlOf(database: string): string {
  const url = new URL(CRON_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  client.on('notice', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function findCronServer(): Promise<{ cronDatabase: string } | { reason: string }> {
  try {
    const [row] = await withClient(CRON_URL, async (client) =>
      (
        await client.query<{ preload: string; database: string | null }>(
          `select current_setting('shared_preload_libraries') as preload, current_setting('cron.database_name', true) as database`,
        )
      ).rows,
    );
    if (!row?.preload.includes('pg_cron') || !row.database) return { reason: `${CRON_URL} does not preload pg_cron` };
    return { cronDatabase: row.database };
  } catch (error) {
    return { reason: `no Postgres at ${CRON_URL} (${(error as Error).message})` };
  }
}

const server = await findCronServer();
if ('reason' in server) {
  console.warn(
    `[tessera tests] doctor pg_cron checks run against a stand-in of pg_cron's tables: ${server.reason}; run scripts/setup-pg-cron.sh for real pg_cron`,
  );
}

const check = (report: DoctorReport, id: string): CheckResult => report.checks.find((c) => c.id === id)!;

/** A database with Tessera's schema and pg_cron's job tables: real pg_cron, or the stand-in. */
interface CronDatabase {
  kind: 'pg_cron' | 'stand-in';
  url: string;
  sql(text: string): Promise<void>;
  unschedule(name: string): Promise<void>;
  drop(): Promise<void>;
}

async function realCronDatabase(): Promise<CronDatabase> {
  const name = 'contrib_regression';
  await withClient(CRON_URL, async (admin) => {
    const busy = await admin.query('select 1 from pg_stat_activity where datname = $1', [name]);
    if (busy.rowCount) throw new Error(`${name} on ${CRON_URL} is in use (another run of this test?)`);
    // A copy left by a killed run is ours: nobody else uses this name on the test cluster.
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  });
  const url = urlOf(name);
  // 0012 creates the extension and schedules its jobs: the way a deployment gets them.
  await withClient(url, (client) => applySqlFiles((text) => client.query(text), readSchemaFiles()));
  const run = (text: string) => withClient(url, async (client) => void (await client.query(text)));
  return {
    kind: 'pg_cron',
    url,
    sql: run,
    unschedule: (job) => run(`select cron.unschedule('${job}')`),
    drop: () => withClient(CRON_URL, async (admin) => void (await admin.query(`drop database if exists ${name} with (force)`))),
  };
}

async function standInCronDatabase(): Promise<CronDatabase> {
  const db: WorkerTestDatabase = await createWorkerTestDatabase();
  // pg_cron 1.4's cron.job and cron.job_run_details, the columns the doctor reads; the jobs
  // as 0012 schedules them from the cron database (here: another one, as on the real cluster).
  await db.sql(`
    create schema cron;
    create table cron.job (jobid bigserial primary key, schedule text not null, command text not null,
      nodename text not null default 'localhost', nodeport integer not null default 5432,
      database text not null, username text not null default current_user, active boolean not null default true, jobname text);
    create table cron.job_run_details (jobid bigint, runid bigserial primary key, job_pid integer, database text,
      username text, command text, status text, return_message text, start_time timestamptz, end_time timestamptz);
    -- cron.schedule by name as pg_cron 1.4 has it: five-field schedules only, a name replaces.
    create function cron.schedule(p_name text, p_schedule text, p_command text) returns bigint
    language plpgsql as $fn$
    declare v_id bigint;
    begin
      if p_schedule !~ '^[^ ]+( [^ ]+){4}$' then raise exception 'invalid schedule: %', p_schedule; end if;
      delete from cron.job where jobname = p_name;
      insert into cron.job (jobname, schedule, command, database) values (p_name, p_schedule, p_command, 'tessera_cron')
      returning jobid into v_id;
      return v_id;
    end $fn$;
    insert into cron.job (jobname, schedule, command, database)
    select name, '* * * * *', 'select 1', 'tessera_cron' from unnest($1::text[]) as name;`.replace('$1::text[]', `'{${JOBS.join(',')}}'::text[]`));
  return {
    kind: 'stand-in',
    url: db.url,
    // A new session each time, as for real pg_cron: `alter database … set` reaches new sessions only.
    sql: (text) => withClient(db.url, async (client) => void (await client.query(text))),
    unschedule: (job) => withClient(db.url, async (client) => void (await client.query(`delete from cron.job where jobname = '${job}'`))),
    drop: () => db.close(),
  };
}

describe('tessera doctor: pg_cron absent from the database', () => {
  it('warns that maintenance needs a Node worker and skips the schedule checks', async () => {
    let drop = async () => {};
    let url: string;
    let expected: RegExp;
    if ('cronDatabase' in server) {
      // Preloaded on the server, but this database is not pg_cron's cron.database_name.
      const name = `tessera_doctor_${randomBytes(4).toString('hex')}`;
      await withClient(CRON_URL, (admin) => admin.query(`create database ${name}`));
      drop = () => withClient(CRON_URL, async (admin) => void (await admin.query(`drop database if exists ${name} with (force)`)));
      url = urlOf(name);
      await withClient(url, (client) => applySqlFiles((text) => client.query(text), readSchemaFiles()));
      expected = new RegExp(`^pg_cron runs in database ${server.cronDatabase}, not in ${name}: maintenance`);
    } else {
      const db = await createWorkerTestDatabase();
      drop = () => db.close();
      url = db.url;
      expected = /^pg_cron is (not installed on this server|installed on the server but not in shared_preload_libraries): maintenance/;
    }
    try {
      const report = await runDoctor({ databaseUrl: url });
      expect(check(report, 'pg-cron').status).toBe('warn');
      expect(check(report, 'pg-cron').summary).toMatch(expected);
      expect(check(report, 'pg-cron').summary).toContain('Node worker');
      expect(check(report, 'cron-jobs').status).toBe('skip');
      expect(check(report, 'cron-runs').status).toBe('skip');
      expect(report.ok).toBe(true);
    } finally {
      await drop();
    }
  });
});

describe(`tessera doctor: pg_cron jobs and runs (${'cronDatabase' in server ? `real pg_cron at ${CRON_URL}` : 'stand-in tables'})`, () => {
  let db: CronDatabase;
  const doctor = () => runDoctor({ databaseUrl: db.url });

  beforeAll(async () => {
    db = 'cronDatabase' in server ? await realCronDatabase() : await standInCronDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('knows which jobs the migrations schedule', () => {
    expect(JOBS).toEqual(expect.arrayContaining(['tessera-requeue-stalled', 'tessera-cleanup-jobs']));
  });

  it('fails for jobs scheduled to run in another database, then passes once they run here', async () => {
    const here = new URL(db.url).pathname.slice(1);
    const before = await doctor();
    if (db.kind === 'pg_cron') expect(check(before, 'pg-cron')).toMatchObject({ status: 'ok' });
    expect(check(before, 'cron-jobs').status).toBe('fail');
    expect(check(before, 'cron-jobs').problems).toEqual(JOBS.map((job) => `${job} runs in database tessera_cron, not ${here}`));

    await db.sql('update cron.job set database = current_database()');
    const after = await doctor();
    expect(check(after, 'cron-jobs').status).toBe('ok');
    expect(check(after, 'cron-runs')).toMatchObject({ status: 'ok', summary: 'no failed runs in the last day (0 runs)' });
    expect(after.ok).toBe(true);
  });

  it('fails when the latest run of a job failed, and warns once a later run succeeded', async () => {
    await db.sql(`
      insert into cron.job_run_details (jobid, status, return_message, start_time, end_time)
      select jobid, 'failed', 'ERROR:  permission denied for table job_queue', now() - interval '10 minutes', now() - interval '10 minutes'
        from cron.job where jobname = 'tessera-requeue-stalled'
      union all
      select jobid, 'failed', 'ERROR:  long ago', now() - interval '2 days', now() - interval '2 days'
        from cron.job where jobname = 'tessera-requeue-stalled'`);
    const failing = await doctor();
    expect(check(failing, 'cron-runs')).toMatchObject({
      status: 'fail',
      problems: [
        'tessera-requeue-stalled: 1 of 1 runs failed, last run failed; last error: ERROR:  permission denied for table job_queue',
      ],
    });
    expect(failing.ok).toBe(false);

    await db.sql(`
      insert into cron.job_run_details (jobid, status, return_message, start_time, end_time)
      select jobid, 'succeeded', '1 row', now() - interval '1 minute', now() - interval '1 minute'
        from cron.job where jobname = 'tessera-requeue-stalled'`);
    const recovered = await doctor();
    expect(check(recovered, 'cron-runs').status).toBe('warn');
    expect(check(recovered, 'cron-runs').problems[0]).toMatch(/^tessera-requeue-stalled: 1 of 2 runs failed, last run succeeded/);
    expect(recovered.ok).toBe(true);
  });

  it('checks the Edge Function call once 0021 schedules it: configuration and pg_net answers', async () => {
    const before = await doctor();
    expect(check(before, 'cron-jobs').summary).toContain('not scheduled (optional): tessera-process-jobs');
    expect(check(before, 'edge-function')).toMatchObject({ status: 'skip' });
    expect(check(before, 'edge-function').summary).toMatch(/^tessera-process-jobs is not scheduled \(optional/);

    // pg_net's function and response table (pg_net 0.x), and the settings 0021 reads without Vault.
    const here = new URL(db.url).pathname.slice(1);
    await db.sql(`
      create schema net;
      create table net._http_response (id bigint, status_code integer, content_type text, headers jsonb, content text,
        timed_out boolean, error_msg text, created timestamptz not null default now());
      create function net.http_post(url text, body jsonb default '{}', params jsonb default '{}', headers jsonb default '{}',
        timeout_milliseconds integer default 5000) returns bigint language sql as 'select 1::bigint';
      alter database ${here} set tessera.process_jobs_url = 'http://127.0.0.1:9/functions/v1/process-jobs';
      alter database ${here} set tessera.process_jobs_secret = 'not-a-real-secret';`);
    await db.sql(`select tessera.schedule_process_jobs(); update cron.job set database = current_database()`);
    const scheduled = await doctor();
    expect(check(scheduled, 'cron-jobs').status).toBe('ok');
    expect(check(scheduled, 'cron-jobs').summary).toContain('tessera-process-jobs (* * * * *)');
    expect(check(scheduled, 'edge-function')).toMatchObject({ status: 'warn' });
    expect(check(scheduled, 'edge-function').summary).toBe('tessera-process-jobs is scheduled but pg_net answered no call in the last hour');

    await db.sql(`insert into net._http_response (id, status_code, content, timed_out, created) values
      (1, 200, '{"processed":3}', false, now() - interval '3 minutes'),
      (2, 401, '{"error":"unauthorized"}', false, now() - interval '2 minutes')`);
    const unauthorized = check(await doctor(), 'edge-function');
    expect(unauthorized.status).toBe('fail');
    expect(unauthorized.summary).toBe(
      '1 of 2 pg_net calls in the last hour failed; latest failure: HTTP 401: {"error":"unauthorized"} (the latest call failed too)',
    );
    await db.sql(`insert into net._http_response (id, status_code, timed_out, created) values (3, 200, false, now() - interval '1 minute')`);
    expect(check(await doctor(), 'edge-function').status).toBe('warn');

    await db.sql(`alter database ${here} reset tessera.process_jobs_secret`);
    expect(check(await doctor(), 'edge-function')).toMatchObject({
      status: 'fail',
      summary: 'tessera-process-jobs is scheduled but not configured (missing: secret): each run calls nothing',
    });
  });

  it('names an inactive job and an unscheduled one', async () => {
    await db.sql("update cron.job set active = false where jobname = 'tessera-requeue-stalled'");
    await db.unschedule('tessera-cleanup-jobs');
    const report = await doctor();
    expect(check(report, 'cron-jobs').status).toBe('fail');
    expect(check(report, 'cron-jobs').problems).toEqual(
      expect.arrayContaining([
        'tessera-requeue-stalled is scheduled but inactive',
        'tessera-cleanup-jobs is not scheduled (0012_maintenance_cron.sql)',
      ]),
    );
    expect(check(report, 'cron-jobs').fix).toContain('supabase/migrations/0012_maintenance_cron.sql');
  });
});
