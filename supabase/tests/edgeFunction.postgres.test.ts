import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callRpc } from '../../packages/queue/src/rpc/call';
import { upsertJobSchedule } from '../../packages/queue/src/rpc/schedules';
import { newAdmin, service, type Actor } from '../../packages/queue/test/support/harness';
import { createSupabaseHarness, type SupabaseHarness } from '../../packages/queue/test/support/supabaseHarness';
import { NET_STANDIN, storeVaultSecrets, VAULT_STANDIN } from './edgeWorkerCronContract';
import { guardPackageJson, runFunctionToExit, startFunction, type RunningFunction } from './support/denoFunction';

// The process-jobs Edge Function under real Deno (the npm `deno` package's binary), against real
// Postgres behind the PostgREST-compatible gateway: supabase-js with the service role key, as on
// Supabase. The function is the real index.ts; PROCESS_JOBS_PROCESSORS adds two test job types.

const SEED = readFileSync(new URL('../seed.sql', import.meta.url), 'utf8');
const PROCESSORS = fileURLToPath(new URL('./fixtures/edgeProcessors.ts', import.meta.url));
const SECRET = 'edge-test-shared-secret-0123456789';
const BORIS: Actor = { kind: 'user', id: '00000000-0000-4000-8000-00000000b0b1' };
const MOSCOW = '10000000-0000-4000-8000-000000000003';
const GRACE_MS = 300;

let h: SupabaseHarness;
let fn: RunningFunction;
let checkPackageJson: () => void;

const env = (): Record<string, string> => ({
  SUPABASE_URL: h.gateway.url,
  SUPABASE_SERVICE_ROLE_KEY: h.gateway.serviceRoleKey,
  PUBLIC_APP_URL: 'https://certificates.example.org',
  PROCESS_JOBS_SECRET: SECRET,
  PROCESS_JOBS_PROCESSORS: PROCESSORS,
  PROCESS_JOBS_MAX_MS: '10000',
  PROCESS_JOBS_GRACE_MS: String(GRACE_MS),
  PROCESS_JOBS_CONCURRENCY: '4',
  PROCESS_JOBS_WORKER_ID: 'edge-test',
});

interface Report {
  workerId: string;
  schedules: { ran: number; initialized: number; skipped: number; errors: unknown[] } | { error: string } | null;
  drain: {
    processed: number;
    succeeded: number;
    failed: number;
    released: number;
    durationMs: number;
    stoppedBy: string;
    lastError: string | null;
  };
}

async function post(body: unknown = {}, token = SECRET): Promise<{ status: number; report: Report; ms: number }> {
  const started = performance.now();
  const response = await fetch(fn.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, report: (await response.json()) as Report, ms: performance.now() - started };
}

async function enqueue(jobType: string, count: number, payload: Record<string, unknown> = {}): Promise<string[]> {
  const rows = await h.sql<{ id: string }>(
    `select (public.enqueue_job($1, $2::jsonb || jsonb_build_object('n', n))).id from generate_series(1, $3) n`,
    [jobType, JSON.stringify(payload), count],
  );
  return rows.map((row) => row.id);
}

const statuses = async () =>
  Object.fromEntries(
    (
      await h.sql<{ status: string; count: number }>(
        `select status, count(*)::int as count from public.job_queue where job_type like 'edge.%' group by status`,
      )
    ).map((row) => [row.status, row.count]),
  );

beforeAll(async () => {
  checkPackageJson = guardPackageJson();
  h = await createSupabaseHarness();
  fn = await startFunction({ env: env() });
}, 60_000);

afterAll(async () => {
  await fn?.stop();
  await h?.close();
  checkPackageJson?.();
});

beforeEach(async () => {
  await h.reset();
  await h.sql('delete from public.job_schedules');
});

describe('the process-jobs Edge Function under Deno', () => {
  it('refuses to start without PUBLIC_APP_URL, saying so', async () => {
    const { PUBLIC_APP_URL: _omitted, ...rest } = env();
    const { code, output } = await runFunctionToExit(rest);
    expect(code).not.toBe(0);
    expect(output).toMatch(/process-jobs cannot start:\n {2}- PUBLIC_APP_URL is not set/);
  });

  it('answers only an authorised POST', async () => {
    await enqueue('edge.quick', 1);
    expect((await fetch(fn.url, { method: 'POST' })).status).toBe(401);
    expect((await post({}, 'not-the-secret')).status).toBe(401);
    expect((await post({}, h.gateway.anonKey)).status).toBe(401);
    expect((await fetch(fn.url, { method: 'GET', headers: { authorization: `Bearer ${SECRET}` } })).status).toBe(405);
    expect((await post({ maxJobs: 'all' })).status).toBe(400);
    expect(await statuses()).toEqual({ pending: 1 });
    // The service role key works as well as the shared secret.
    expect((await post({}, h.gateway.serviceRoleKey)).status).toBe(200);
    expect(await statuses()).toEqual({ completed: 1 });
  });

  it('drains the queue within its budget and reports what it did', async () => {
    await enqueue('edge.quick', 25);
    const { status, report, ms } = await post();
    expect(status).toBe(200);
    expect(report.drain).toMatchObject({ processed: 25, succeeded: 25, failed: 0, released: 0, stoppedBy: 'empty', lastError: null });
    expect(ms).toBeLessThan(10_000);
    expect(await statuses()).toEqual({ completed: 25 });
  });

  it('starts at most maxJobs and leaves the rest queued', async () => {
    await enqueue('edge.quick', 10);
    const { report } = await post({ maxJobs: 4 });
    expect(report.drain).toMatchObject({ processed: 4, succeeded: 4, stoppedBy: 'maxJobs' });
    expect(await statuses()).toEqual({ completed: 4, pending: 6 });
  });

  it('releases what it could not finish in maxMs, at once and without counting the attempt', async () => {
    await enqueue('edge.slow', 3);
    await enqueue('edge.quick', 2);
    const { report, ms } = await post({ maxMs: 800 });
    expect(report.drain).toMatchObject({ succeeded: 2, released: 3, stoppedBy: 'maxMs' });
    // maxMs + grace + the release round trip, never the slow jobs' 60 s.
    expect(report.drain.durationMs).toBeLessThan(800 + GRACE_MS + 1_500);
    expect(ms).toBeLessThan(800 + GRACE_MS + 2_500);
    const slow = await h.sql<{ status: string; attempts: number; locked_until: string | null }>(
      `select status, attempts, locked_until from public.job_queue where job_type = 'edge.slow'`,
    );
    expect(slow).toEqual(Array.from({ length: 3 }, () => ({ status: 'pending', attempts: 0, locked_until: null })));
  });

  it('ticks a due schedule before draining: one job for the slot, run in the same call, even with two calls at once', async () => {
    await upsertJobSchedule(h.transport(newAdmin()), { name: 'edge.minutely', cron: '* * * * *', jobType: 'edge.quick' });
    const first = await post();
    expect(first.report.schedules).toEqual({ ran: 0, initialized: 1, skipped: 0, errors: [] });
    await h.sql(`update public.job_schedules set next_run_at = date_trunc('minute', now()) - interval '3 minutes'`);
    const [a, b] = await Promise.all([post(), post()]);
    const ran = [a, b].map((call) => (call.report.schedules as { ran: number }).ran);
    expect(ran.sort()).toEqual([0, 1]);
    const jobs = await h.sql<{ job_key: string; status: string }>(`select job_key, status from public.job_queue`);
    expect(jobs).toEqual([{ job_key: expect.stringMatching(/^schedule:edge\.minutely:/), status: 'completed' }]);
  });

  it('renders a certificate (Cyrillic name: the DejaVu font read under Deno) and stores it', async () => {
    await h.sql(SEED);
    const job = (await callRpc(h.transport(BORIS), 'request_certificate', { p_event_id: MOSCOW })) as { id: string };
    const { report } = await post();
    expect(report.drain).toMatchObject({ succeeded: 1, failed: 0 });
    const [certificate] = await h.sql<{ issued: boolean; pdf_head: string; status: string }>(
      `select c.issued_at is not null as issued, encode(substring(c.pdf from 1 for 5), 'escape') as pdf_head, j.status
         from public.certificates c join public.job_queue j on j.id = c.job_id where j.id = $1`,
      [job.id],
    );
    expect(certificate).toEqual({ issued: true, pdf_head: '%PDF-', status: 'completed' });
  });

  it('reports itself in queue_workers as an edge worker', async () => {
    await post();
    const rows = await h.sql<{ kind: string }>(`select kind from public.queue_workers where worker_id = 'edge-test'`);
    expect(rows).toEqual([{ kind: 'edge' }]);
  });

  it('accepts the request pg_cron + pg_net send (0021, pg_net replaced by a recorder)', async () => {
    await h.sql(NET_STANDIN + VAULT_STANDIN + storeVaultSecrets(fn.url, SECRET));
    await h.sql('select tessera.invoke_process_jobs()');
    const [request] = await h.sql<{ url: string; headers: Record<string, string>; body: unknown }>(
      'select url, headers, body from net.requests',
    );
    await enqueue('edge.quick', 2);
    const response = await fetch(request!.url, { method: 'POST', headers: request!.headers, body: JSON.stringify(request!.body) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Report).drain).toMatchObject({ succeeded: 2 });
    await h.sql('drop schema net cascade; drop schema vault cascade');
  });

  it('through supabase-js too, only the service role may tick schedules', async () => {
    await expect(
      callRpc(h.transport(newAdmin()), 'run_schedule_slot', { p_name: 'x', p_slot: new Date(), p_next_run_at: new Date(Date.now() + 1000) }),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(callRpc(h.transport(service), 'list_job_schedules')).resolves.toEqual([]);
  });
});
