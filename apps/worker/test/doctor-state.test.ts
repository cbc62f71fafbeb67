import { afterEach, describe, expect, it } from 'vitest';
import { readMigrations } from '../src/doctor/migrations/readMigrations';
import { DoctorConnectionError, runDoctor } from '../src/doctor/runDoctor';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';
import { checkOf as check, runTessera } from './support/doctor';

// `tessera doctor` on what changes after deployment: the migration ledger, the live queue,
// Realtime, and a database it cannot reach. Each case gets its own migrated copy.

const copies: WorkerTestDatabase[] = [];
afterEach(async () => {
  await Promise.all(copies.splice(0).map((db) => db.close()));
});

/** A fresh migrated copy, changed by `sql` (run as the superuser). */
async function copyWith(sql: string): Promise<WorkerTestDatabase> {
  const db = await createWorkerTestDatabase();
  copies.push(db);
  await db.sql(sql);
  return db;
}

describe('tessera doctor: schema version', () => {
  it('names a migration the ledger does not record, and warns about one this checkout lacks', async () => {
    const last = readMigrations().at(-1)!;
    const missing = await copyWith(`delete from tessera.schema_migrations where name = 'migrations/${last.file}'`);
    const report = await runDoctor({ databaseUrl: missing.url });
    expect(check(report, 'schema-version')).toMatchObject({
      status: 'fail',
      problems: [`not applied: supabase/migrations/${last.file}`],
    });

    const newer = await copyWith("insert into tessera.schema_migrations (name) values ('migrations/9999_from_the_future.sql')");
    expect(check(await runDoctor({ databaseUrl: newer.url }), 'schema-version')).toMatchObject({
      status: 'warn',
      problems: ['unknown migration version 9999'],
    });
  });

  it("prefers the Supabase CLI's ledger when it has rows", async () => {
    const versions = readMigrations().map((m) => m.version);
    const db = await copyWith(`
      create schema supabase_migrations;
      create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text);
      insert into supabase_migrations.schema_migrations (version) select unnest('{${versions.slice(1).join(',')}}'::text[]);`);
    const result = check(await runDoctor({ databaseUrl: db.url }), 'schema-version');
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('ledger supabase_migrations.schema_migrations');
    expect(result.problems).toEqual([`not applied: supabase/migrations/${readMigrations()[0]!.file}`]);
  });

  it('says "unknown" (a warning) rather than guess when there is no ledger', async () => {
    const db = await copyWith('drop table tessera.schema_migrations');
    const result = check(await runDoctor({ databaseUrl: db.url }), 'schema-version');
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/^unknown: no migration ledger/);
  });
});

describe('tessera doctor: the live queue', () => {
  it('warns about stalled jobs, failures over the threshold and paused types, and sees a live Node worker', async () => {
    const db = await copyWith(`
      insert into public.job_queue (job_type, status, attempts, locked_by, locked_until, started_at)
      values ('demo.stuck', 'processing', 1, 'dead-worker', now() - interval '5 minutes', now() - interval '10 minutes');
      insert into public.job_queue (job_type, status, attempts, max_attempts, error_message, completed_at)
      select 'demo.flaky', 'failed', 1, 1, 'smtp refused #' || n, now() - interval '1 minute' from generate_series(1, 4) n;
      select public.worker_heartbeat('node-1', 'node');
      select public.pause_queue('demo.flaky');`);
    const report = await runDoctor({ databaseUrl: db.url, thresholds: { failedLastHour: 3 } });
    expect(report.ok).toBe(true);
    expect(check(report, 'stalled-jobs')).toMatchObject({ status: 'warn' });
    expect(check(report, 'stalled-jobs').summary).toMatch(/^1 running job has an expired lease \(oldest expired 3\d\d s ago\)/);
    expect(check(report, 'failed-jobs')).toMatchObject({
      status: 'warn',
      summary: '4 jobs failed in the last hour (threshold 3)',
      problems: [expect.stringMatching(/^demo\.flaky: 4 failed; latest error: smtp refused #\d$/)],
    });
    expect(check(report, 'pauses')).toMatchObject({ status: 'warn', problems: ['demo.flaky is paused'] });
    expect(check(report, 'workers')).toMatchObject({ status: 'ok' });
    expect(check(report, 'workers').summary).toMatch(/^live workers: node 1 \(last report \d+ s ago\)$/);
    // Under the default threshold (10) four failures are fine.
    expect(check(await runDoctor({ databaseUrl: db.url }), 'failed-jobs').status).toBe('ok');
  });

  it('warns when only browsers work, and when notifications are on but no Node worker can send them', async () => {
    const db = await copyWith(`
      set request.jwt.claims = '{"sub": "00000000-0000-4000-8000-00000000000a", "role": "authenticated"}';
      select public.worker_heartbeat('browser-1', 'browser');
      reset request.jwt.claims;`);
    expect(check(await runDoctor({ databaseUrl: db.url }), 'workers')).toMatchObject({ status: 'warn' });
    expect(check(await runDoctor({ databaseUrl: db.url }), 'workers').summary).toMatch(/^only browser workers are live \(browser 1\)/);

    await db.sql(`select public.worker_heartbeat('edge-1', 'edge');
                  select public.set_notification_settings('{"email_on_completed": true}')`);
    const edgeOnly = check(await runDoctor({ databaseUrl: db.url }), 'workers');
    expect(edgeOnly.status).toBe('warn');
    expect(edgeOnly.summary).toBe('notifications are on but no Node worker is live (browser 1, edge 1): notify.email and notify.webhook jobs wait');

    await db.sql(`select public.worker_heartbeat('node-1', 'node')`);
    expect(check(await runDoctor({ databaseUrl: db.url }), 'workers')).toMatchObject({ status: 'ok' });
  });
});

describe('tessera doctor: Realtime', () => {
  // A stand-in for Supabase's realtime schema: just what 0010 needs to install its broadcast.
  const REALTIME_STAND_IN = `
    create schema realtime;
    create table realtime.messages (topic text, extension text, payload jsonb);
    create function realtime.topic() returns text language sql stable as $$ select '' $$;
    create function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
      returns void language plpgsql as $$ begin end $$;`;

  it('checks the broadcast trigger and channel policy where Realtime exists, and names a missing trigger', async () => {
    const db = await copyWith(REALTIME_STAND_IN);
    const [migration] = readMigrations().filter((m) => m.file.startsWith('0010_'));
    await db.sql(migration!.sql);
    expect(check(await runDoctor({ databaseUrl: db.url }), 'realtime')).toMatchObject({ status: 'ok' });

    await db.sql('drop trigger job_queue_broadcast on public.job_queue');
    const result = check(await runDoctor({ databaseUrl: db.url }), 'realtime');
    expect(result.status).toBe('fail');
    expect(result.problems).toEqual(['trigger job_queue_broadcast on public.job_queue is missing (0010_realtime_broadcast.sql)']);
    expect(result.fix).toContain('supabase/migrations/0010_realtime_broadcast.sql');
  });
});

describe('tessera doctor: when it cannot run', () => {
  it('rejects with a connection error, and the command exits 2', async () => {
    const url = 'postgres://postgres:secret@127.0.0.1:1/nowhere';
    await expect(runDoctor({ databaseUrl: url, connectTimeoutMs: 2_000 })).rejects.toBeInstanceOf(DoctorConnectionError);
    const { code, stderr } = await runTessera(['doctor', '--database-url', url]);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot connect to postgres://postgres:***@127.0.0.1:1/nowhere');
    expect(stderr).not.toContain('secret');
  });
});
