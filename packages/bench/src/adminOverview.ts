// The admin dashboard's overview RPCs at 100,000 jobs, against the 50 ms target.
//   pnpm exec tsx packages/bench/src/adminOverview.ts
// Creates its own database on DATABASE_URL's server (default 127.0.0.1:5432), applies the
// schema, loads the jobs with generate_series and times each RPC as an admin over 50 runs (after
// 5 warm-up runs) twice: right after the load and ANALYZE, and after VACUUM (what autovacuum does
// soon after 100,000 inserts: it sets the visibility map that index-only scans rely on). Then it
// drops the database.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { applySqlFiles, callRpc, type JwtClaims } from '@tessera/queue';
import { PgTransport } from '@tessera/queue/pg';
import { readSchemaFiles } from '@tessera/queue/sql';

const JOBS = 100_000;
const RUNS = 50;
const WARMUP = 5;
const TARGET_MS = 50;
const ADMIN: JwtClaims = { sub: '00000000-0000-4000-8000-0000000ad001', role: 'authenticated', app_metadata: { role: 'admin' } };

// A week of history in six job types: 80 % completed, 7 % failed, 3 % cancelled, 4 % waiting,
// 4 % delayed, 2 % running; a thousand users; finished rows carry results and error histories.
const LOAD_SQL = `
insert into public.job_queue (job_type, payload, status, priority, attempts, max_attempts, run_at, locked_by,
  locked_until, locked_by_service, progress, result, error_message, errors, user_id, created_at, updated_at,
  started_at, completed_at)
select t.job_type, jsonb_build_object('n', t.g, 'serial', 'TSR-2026-' || lpad(t.g::text, 6, '0')), t.status,
       1 + t.g % 10,
       case t.status when 'pending' then 0 when 'failed' then 3 else 1 end, 3,
       case when t.delayed then now() + t.r * interval '2 hours' else t.created_at end,
       case when t.status in ('processing', 'completed', 'failed') then 'bench-worker-' || t.g % 8 end,
       case when t.status = 'processing' then now() + interval '5 minutes' end,
       t.status = 'processing',
       case t.status when 'completed' then 100 when 'processing' then t.g % 100 else 0 end,
       case when t.status = 'completed' then jsonb_build_object('bytes', 20000 + t.g % 5000) end,
       case when t.status = 'failed' then 'render failed: font ' || t.g % 50 || ' missing' end,
       case when t.status = 'failed' then jsonb_build_array(
         jsonb_build_object('attempt', 1, 'at', t.created_at, 'message', 'timeout after 30 s', 'worker', 'bench-worker-1'),
         jsonb_build_object('attempt', 3, 'at', t.created_at, 'message', 'render failed: font ' || t.g % 50 || ' missing'))
         else '[]'::jsonb end,
       md5((t.g % 1000)::text)::uuid,
       t.created_at, t.created_at,
       case when t.status in ('processing', 'completed', 'failed') then t.created_at end,
       case when t.status in ('completed', 'failed', 'cancelled') then least(now(), t.created_at + t.r * interval '5 minutes') end
  from (
    select g, r, created_at,
           (array['certificate', 'email.send', 'webhook.deliver', 'report.build', 'image.resize', 'cache.warm'])[1 + g % 6] as job_type,
           case when p < 0.80 then 'completed' when p < 0.87 then 'failed' when p < 0.90 then 'cancelled'
                when p < 0.98 then 'pending' else 'processing' end as status,
           p >= 0.94 and p < 0.98 as delayed
      from (select g, random() as p, random() as r, now() - random() * interval '7 days' as created_at
              from generate_series(1, ${JOBS}) g) s
  ) t`;

const STATES = ['pending', 'scheduled', 'processing', 'completed', 'failed', 'cancelled'] as const;

/** The RPCs the overview and the job list call on every refresh. */
const CALLS: ReadonlyArray<[string, string, Record<string, unknown>]> = [
  ['queue_stats()', 'queue_stats', {}],
  ['queue_health()', 'queue_health', {}],
  ['queue_throughput(1 h, 5 min)', 'queue_throughput', { p_bucket: '5 minutes' }],
  ...STATES.filter((state) => state !== 'scheduled').map(
    (state) => [`list_jobs(${state})`, 'list_jobs', { p_statuses: [state], p_limit: 25 }] as [string, string, Record<string, unknown>],
  ),
  ...STATES.map(
    (state) =>
      [`admin_list_jobs(${state})`, 'admin_list_jobs', { p_statuses: [state], p_limit: 25 }] as [string, string, Record<string, unknown>],
  ),
  ['admin_list_jobs(failed, type, error text)', 'admin_list_jobs', { p_statuses: ['failed'], p_job_type: 'certificate', p_error_contains: 'font 7', p_limit: 25 }],
];

export interface AdminOverviewFigure {
  /** 'analyzed': right after the load and ANALYZE; 'vacuumed': after VACUUM ANALYZE (steady state). */
  phase: 'analyzed' | 'vacuumed';
  rpc: string;
  p50Ms: number;
  p95Ms: number;
  withinTarget: boolean;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function measure(transport: PgTransport, phase: AdminOverviewFigure['phase']): Promise<AdminOverviewFigure[]> {
  const figures: AdminOverviewFigure[] = [];
  for (const [label, fn, args] of CALLS) {
    const times: number[] = [];
    for (let run = 0; run < WARMUP + RUNS; run += 1) {
      const started = performance.now();
      await callRpc(transport, fn, args);
      if (run >= WARMUP) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 0.95);
    figures.push({ phase, rpc: label, p50Ms: percentile(times, 0.5), p95Ms: p95, withinTarget: p95 < TARGET_MS });
  }
  return figures;
}

/** Builds the database, measures, drops it; resolves to one figure per RPC and phase. */
export async function runAdminOverviewBench(
  serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
): Promise<AdminOverviewFigure[]> {
  const database = `tessera_bench_admin_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${pg.escapeIdentifier(database)}`);
  const url = withDatabase(serverUrl, database);
  const transport = new PgTransport({ connectionString: url, claims: ADMIN, max: 1 });
  try {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await applySqlFiles((sql) => setup.query(sql), readSchemaFiles());
    await setup.query(LOAD_SQL);
    await setup.query('analyze public.job_queue');
    const figures = await measure(transport, 'analyzed');
    await setup.query('vacuum (analyze) public.job_queue');
    await setup.end();
    figures.push(...(await measure(transport, 'vacuumed')));
    return figures;
  } finally {
    await transport.close();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
    await admin.end();
  }
}

function print(figures: readonly AdminOverviewFigure[]): void {
  console.log(`admin overview RPCs, ${JOBS.toLocaleString('en')} jobs, ${RUNS} runs each, as an admin (client round trip)`);
  console.log(`${'phase'.padEnd(9)} ${'rpc'.padEnd(44)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}  p95 < ${TARGET_MS} ms`);
  for (const figure of figures) {
    console.log(
      `${figure.phase.padEnd(9)} ${figure.rpc.padEnd(44)} ${figure.p50Ms.toFixed(2).padStart(8)} ${figure.p95Ms.toFixed(2).padStart(8)}  ${figure.withinTarget ? 'ok' : 'OVER'}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runAdminOverviewBench();
  print(figures);
  if (figures.some((figure) => !figure.withinTarget)) process.exitCode = 1;
}
