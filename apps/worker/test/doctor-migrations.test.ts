import { describe, expect, it } from 'vitest';
import { readMigrations, type MigrationFile } from '../src/doctor/migrations/readMigrations';
import { buildExpectedSchema } from '../src/doctor/migrations/schemaModel';
import { argumentType, normalizeType } from '../src/doctor/sql/parseStatement';
import { splitStatements } from '../src/doctor/sql/splitStatements';

// What the doctor expects is derived from the migrations folder, so it follows new migrations
// without a hand-kept list. These tests pin the parser on small inputs and on the real folder.

const file = (name: string, sql: string): MigrationFile => ({ version: name.slice(0, name.indexOf('_')), file: name, sql });

describe('splitStatements', () => {
  it('splits at top-level semicolons only', () => {
    const sql = `
      create function a() returns text language sql as $$ select 'x;y' $$; -- a comment; with a semicolon
      /* block; /* nested; */ comment */ select 'it''s; here', "odd;name" from t;
      do $guard$ begin execute $sql$ select 1; $sql$; end $guard$;`;
    expect(splitStatements(sql)).toEqual([
      "create function a() returns text language sql as $$ select 'x;y' $$",
      `select 'it''s; here', "odd;name" from t`,
      'do $guard$ begin execute $sql$ select 1; $sql$; end $guard$',
    ]);
  });
});

describe('argument types', () => {
  it('reads the type of a declaration with a name, a mode or a default', () => {
    expect(argumentType("p_payload jsonb default '{}'::jsonb")).toBe('jsonb');
    expect(argumentType('p_at timestamp with time zone = now()')).toBe('timestamp with time zone');
    expect(argumentType('double precision')).toBe('double precision');
    expect(argumentType('variadic p_ids uuid[]')).toBe('uuid[]');
    expect(argumentType('out p_total integer')).toBeNull();
    expect(argumentType('text')).toBe('text');
  });

  it('compares aliases as equal', () => {
    expect(normalizeType('timestamptz')).toBe(normalizeType('timestamp with time zone'));
    expect(normalizeType('INT [ ]')).toBe('integer[]');
    expect(normalizeType('bool')).toBe('boolean');
  });
});

describe('buildExpectedSchema', () => {
  it('replays functions, grants and revokes in migration order', () => {
    const schema = buildExpectedSchema([
      file(
        '0001_a.sql',
        `create table public.things (id int);
         create or replace function public.f(p_a text, p_b int default 1) returns int
         language sql security definer set search_path = '' as $$ select 1 $$;
         create function public.g() returns int language sql as $$ select 2 $$;
         revoke all on function public.f(text, integer) from public, anon;
         grant execute on function public.f(text, int), public.g() to authenticated, service_role;`,
      ),
      file(
        '0002_b.sql',
        `revoke execute on function public.f(text, integer) from service_role;
         drop function if exists public.g();
         create function tessera.internal() returns int language sql as $$ select 3 $$;`,
      ),
    ]);
    expect(schema.functions.map((fn) => [fn.signature, fn.securityDefiner, fn.searchPath])).toEqual([
      ['public.f(text, int)', true, "''"],
    ]);
    expect(schema.grants.map((g) => [g.signature, g.role, g.granted, g.file])).toEqual([
      ['public.f(text, int)', 'anon', false, '0001_a.sql'],
      ['public.f(text, int)', 'authenticated', true, '0001_a.sql'],
      ['public.f(text, int)', 'service_role', false, '0002_b.sql'],
    ]);
    expect(schema.tables.map((t) => t.name)).toEqual(['things']);
  });

  it('marks what a do block creates as guarded, and finds its pg_cron jobs and triggers', () => {
    const schema = buildExpectedSchema([
      file('0001_t.sql', 'create table public.t (id int);'),
      file(
        '0002_guarded.sql',
        `do $guard$
         begin
           if to_regnamespace('storage') is null then
             raise notice 'no storage; skipping';
             return;
           end if;
           execute $sql$
             create or replace function public.h(p_id uuid) returns void
             language plpgsql security definer set search_path = '' as $fn$ begin perform 1; end $fn$
           $sql$;
           execute 'grant execute on function public.h(uuid) to authenticated';
           execute 'create trigger t_broadcast after insert on public.t for each row execute function tessera.x()';
           perform cron.schedule('tessera-demo', '* * * * *', $cmd$select public.h(null)$cmd$);
           perform realtime.broadcast_changes('x', 'y', 'z', 't', 'public', null, null, 'ROW');
         end
         $guard$;`,
      ),
    ]);
    expect(schema.functions).toEqual([
      expect.objectContaining({ signature: 'public.h(uuid)', guarded: true, securityDefiner: true, file: '0002_guarded.sql' }),
    ]);
    expect(schema.grants).toEqual([expect.objectContaining({ signature: 'public.h(uuid)', role: 'authenticated', granted: true })]);
    expect(schema.triggers).toEqual([expect.objectContaining({ name: 't_broadcast', table: 't', guarded: true })]);
    expect(schema.cronJobs.map((job) => [job.name, job.optional])).toEqual([['tessera-demo', false]]);
    expect(schema.realtimeFiles).toEqual(['0002_guarded.sql']);
  });

  it('takes a cron.schedule call inside a function body as optional (scheduled when the function runs)', () => {
    const schema = buildExpectedSchema([
      file(
        '0001_f.sql',
        `create function public.plan() returns void language plpgsql security definer set search_path = ''
         as $$ begin perform cron.schedule('made-later', '* * * * *', 'select 1'); end $$;`,
      ),
    ]);
    expect(schema.cronJobs).toEqual([expect.objectContaining({ name: 'made-later', optional: true })]);
  });

  it('knows the contract of the real migrations folder', () => {
    const migrations = readMigrations();
    const schema = buildExpectedSchema(migrations);
    const bySignature = new Map(schema.functions.map((fn) => [fn.signature, fn]));
    // A later migration may redefine a function: the last file that creates it is its origin.
    const lastDefining = (name: string) =>
      migrations.filter((m) => new RegExp(`create\\s+or\\s+replace\\s+function\\s+public\\.${name}\\s*\\(`, 'i').test(m.sql)).at(-1)?.file;
    expect(bySignature.get('public.enqueue_job(text, jsonb, integer, timestamptz, integer, text)')).toMatchObject({
      securityDefiner: true,
      searchPath: "''",
      file: lastDefining('enqueue_job'),
    });
    // claim_jobs is defined in 0003 and replaced (same arguments) by 0007 at least: one function.
    expect(schema.functions.filter((fn) => fn.name === 'claim_jobs')).toHaveLength(1);
    expect(bySignature.get('public.claim_jobs(text, integer, text[], integer)')?.file).toBe(lastDefining('claim_jobs'));
    expect(lastDefining('claim_jobs')! >= '0007').toBe(true);
    expect(schema.tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(['job_queue', 'queue_pauses', 'events', 'event_registrations', 'certificates']),
    );
    expect(schema.grants).toContainEqual(
      expect.objectContaining({ signature: 'public.enqueue_job(text, jsonb, integer, timestamptz, integer, text)', role: 'anon', granted: false }),
    );
    expect(schema.cronJobs.filter((job) => !job.optional).map((job) => job.name)).toEqual(
      expect.arrayContaining(['tessera-requeue-stalled', 'tessera-cleanup-jobs']),
    );
    // 0021 schedules the Edge Function call only once it is configured: optional.
    expect(schema.cronJobs).toContainEqual(expect.objectContaining({ name: 'tessera-process-jobs', optional: true }));
    expect(schema.triggers).toContainEqual(expect.objectContaining({ name: 'job_queue_broadcast', file: '0010_realtime_broadcast.sql' }));
  });

  it('finds every public function of the real migrations security definer with an empty search_path (the house rule)', () => {
    const offenders = buildExpectedSchema(readMigrations()).functions.filter(
      (fn) => !fn.securityDefiner || fn.searchPath !== "''",
    );
    expect(offenders.map((fn) => `${fn.signature} in ${fn.file}`)).toEqual([]);
  });
});
