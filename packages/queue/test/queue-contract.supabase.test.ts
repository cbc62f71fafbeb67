import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueueClient } from '../src/client';
import { NotAllowedError, TransportError, ValidationError } from '../src/errors';
import { SupabaseTransport } from '../src/transports/supabase';
import { anon, newUser, service } from './support/harness';
import { signTestJwt, startPostgrestGateway } from './support/postgrestGateway';
import { createSupabaseHarness, createTestSupabaseClient, type SupabaseHarness } from './support/supabaseHarness';
import { describeQueueContract } from './contract';

describeQueueContract('supabase-js over a PostgREST gateway', createSupabaseHarness);

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('supabase-js and the PostgREST gateway', () => {
  let h: SupabaseHarness;
  beforeAll(async () => {
    h = await createSupabaseHarness();
  });
  afterAll(() => h?.close());
  beforeEach(() => h.reset());

  /** A raw PostgREST call, to check what the gateway answers before supabase-js reads it. */
  const post = async (fn: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${h.gateway.url}/rest/v1/rpc/${fn}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', apikey: h.gateway.anonKey, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const bearer = async (claims: Parameters<typeof signTestJwt>[0]) => ({
    Authorization: `Bearer ${await signTestJwt(claims)}`,
  });

  it('answers errors with PostgREST statuses and bodies', async () => {
    const user = await bearer({ sub: newUser().id, role: 'authenticated' });
    expect(await post('enqueue_job', { p_job_type: 'ok' })).toMatchObject({ status: 401, body: { code: '42501' } });
    expect(await post('get_job', { p_job_id: 'nope' }, user)).toMatchObject({
      status: 400,
      body: { code: '22P02', message: expect.stringMatching(/invalid input syntax for type uuid/) },
    });
    const leaseLost = await post('complete_job', { p_job_id: crypto.randomUUID(), p_worker_id: 'w' }, user);
    expect(leaseLost).toMatchObject({ status: 400, body: { code: 'P0001', message: 'lease lost' } });
    expect(leaseLost.body).toHaveProperty('details');
    expect(leaseLost.body).toHaveProperty('hint');
    expect(await post('no_such_function', {}, user)).toMatchObject({ status: 404, body: { code: 'PGRST202' } });
    expect(await post('enqueue_job', { p_job_type: 'ok', p_user_id: 'x' }, user)).toMatchObject({
      status: 404,
      body: { code: 'PGRST202', hint: expect.stringMatching(/^Perhaps you meant to call .*public\.enqueue_job\(/) },
    });
  });

  it('requires an API key, and refuses forged or expired JWTs as NotAllowedError', async () => {
    expect(await post('queue_stats', {}, { apikey: '' })).toMatchObject({ status: 401 });
    const forged = await signTestJwt({ role: 'service_role' }, 'not-the-secret-but-32-characters-long');
    expect(await post('queue_stats', {}, { Authorization: `Bearer ${forged}` })).toMatchObject({
      status: 401,
      body: { code: 'PGRST301' },
    });
    const expired = await signTestJwt({ role: 'service_role', exp: Math.floor(Date.now() / 1000) - 60 });
    const expiredSession = createTestSupabaseClient(h.gateway.url, h.gateway.anonKey, async () => expired);
    const attempt = new QueueClient(new SupabaseTransport(expiredSession)).stats();
    await expect(attempt).rejects.toBeInstanceOf(NotAllowedError);
    await expect(attempt).rejects.toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
  });

  it('calls as anon with only the anon key, which may not enqueue', async () => {
    await expect(h.client(anon).enqueue({ jobType: 'ok' })).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('reports an unknown argument as ValidationError, as the other transports do', async () => {
    const attempt = new SupabaseTransport(h.supabase(service)).rpc('enqueue_job', { p_job_type: 'ok', p_user_id: 'x' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/function enqueue_job has no argument p_user_id \(it takes p_job_type, /);
  });

  it('reports an API it cannot reach as TransportError', async () => {
    const port = await closedPort();
    const unreachable = createTestSupabaseClient(`http://127.0.0.1:${port}`, h.gateway.anonKey);
    await expect(new QueueClient(new SupabaseTransport(unreachable)).stats()).rejects.toBeInstanceOf(TransportError);
  });

  it('reports a gateway that cannot reach its database (503 PGRST00x) as TransportError', async () => {
    const port = await closedPort();
    const pool = new pg.Pool({ connectionString: `postgres://nobody@127.0.0.1:${port}/none`, max: 1 });
    const gateway = await startPostgrestGateway({ pool });
    try {
      const supabase = createTestSupabaseClient(gateway.url, gateway.anonKey, async () => gateway.serviceRoleKey);
      const attempt = new QueueClient(new SupabaseTransport(supabase)).stats();
      await expect(attempt).rejects.toBeInstanceOf(TransportError);
      await expect(attempt).rejects.toMatchObject({ code: 'PGRST002' });
    } finally {
      await gateway.close();
      await pool.end();
    }
  });

  it('sends Dates as ISO strings and jsonb objects unchanged', async () => {
    const runAt = new Date(Date.now() + 3_600_000);
    const payload = { nested: { list: [1, 'two', { three: null }], flag: false }, text: 'Zoë 🎓' };
    const row = (await new SupabaseTransport(h.supabase(service)).rpc('enqueue_job', {
      p_job_type: 'shape',
      p_payload: payload,
      p_run_at: runAt,
      p_priority: undefined,
    })) as Record<string, unknown>;
    expect(row).toMatchObject({ payload, priority: 5 });
    expect(new Date(row.run_at as string).getTime()).toBe(runAt.getTime());
  });

  it('answers .single() with one object, and rolls the call back when there is not exactly one row', async () => {
    const supabase = h.supabase(service);
    await h.client(service).enqueue({ jobType: 'a' });
    await h.client(service).enqueue({ jobType: 'a' });
    const { error, status } = await supabase.rpc('claim_jobs', { p_worker_id: 'w', p_limit: 2 }).single();
    expect({ status, code: error?.code }).toEqual({ status: 406, code: 'PGRST116' });
    expect(await h.sql(`select 1 from public.job_queue where status <> 'pending'`)).toEqual([]);
    const one = await supabase.rpc('claim_jobs', { p_worker_id: 'w', p_limit: 1 }).single();
    expect(one.data).toMatchObject({ job_type: 'a', status: 'processing', locked_by: 'w' });
  });

  it('counts set-returning results when asked with Prefer: count=exact', async () => {
    await h.client(service).enqueue({ jobType: 'a' });
    await h.client(service).enqueue({ jobType: 'b' });
    const { data, count } = await h.supabase(service).rpc('list_jobs', {}, { count: 'exact' });
    expect({ rows: (data as unknown[]).length, count }).toEqual({ rows: 2, count: 2 });
  });
});
