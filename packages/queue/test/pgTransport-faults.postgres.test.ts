// PgTransport under connection faults: a connection cut in the middle of a call, and a real
// server restart (an embedded Postgres of this file's own, never the shared cluster).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueClient } from '../src/client';
import { TransportError } from '../src/errors';
import { callRpc } from '../src/rpc/call';
import { JOBS_CHANNEL } from '../src/transport';
import { PgTransport } from '../src/transports/pg';
import { createPgHarness, newUser, type QueueHarness } from './support/harness';
import { startRestartablePostgres, type RestartablePostgres } from './support/restartablePostgres';
import { createMigratedDatabase, databaseUrl } from './support/testDatabase';

const transports: PgTransport[] = [];
const track = (transport: PgTransport) => {
  transports.push(transport);
  return transport;
};

afterAll(async () => {
  await Promise.all(transports.map((transport) => transport.close().catch(() => undefined)));
});

describe('a connection cut in the middle of a call', () => {
  let h: QueueHarness & { url: string };

  beforeAll(async () => {
    h = await createPgHarness();
    // A slow function a signed-in user may call, so the cut lands while its call runs. Only in
    // this file's database, never in the template the fuzzer reads.
    await h.sql(`
      create function public.tessera_test_sleep(p_seconds double precision) returns boolean
      language sql security definer set search_path = '' as $$ select pg_catalog.pg_sleep(p_seconds) is not null $$;
      grant execute on function public.tessera_test_sleep(double precision) to authenticated`);
  });
  afterAll(async () => {
    await h?.close();
  });

  const cut = async (pattern: string) => {
    await expect
      .poll(
        async () =>
          (
            await h.sql<{ n: number }>(
              `select count(pg_catalog.pg_terminate_backend(pid))::int as n from pg_stat_activity
                where datname = current_database() and query like $1 and pid <> pg_backend_pid()`,
              [pattern],
            )
          )[0]!.n,
        { timeout: 5_000, interval: 20 },
      )
      .toBeGreaterThan(0);
  };

  // A user's call runs in a transaction on a client checked out of the pool. When the server
  // drops that connection, node-postgres emits 'error' on the client as well as rejecting the
  // query: without a listener the process would die of it.
  it('rejects a signed-in user\'s call with TransportError, crashes nothing, and the next call works', async () => {
    const pool = new pg.Pool({ connectionString: h.url, max: 2 });
    const transport = track(new PgTransport({ pool, claims: { sub: newUser().id, role: 'authenticated' } }));
    const call = callRpc(transport, 'tessera_test_sleep', { p_seconds: 30 });
    const settled = call.then(
      () => undefined,
      (error: unknown) => error,
    );
    await cut('%tessera_test_sleep%');
    expect(await settled).toBeInstanceOf(TransportError);
    // Give the socket's end (and any stray 'error' event) time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await callRpc(transport, 'tessera_test_sleep', { p_seconds: 0 })).toBe(true);
    await pool.end();
  });

  it('rejects a service-role call the same way', async () => {
    const transport = track(new PgTransport({ connectionString: h.url, max: 2 }));
    const settled = callRpc(transport, 'tessera_test_sleep', { p_seconds: 30 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await cut('%tessera_test_sleep%');
    expect(await settled).toBeInstanceOf(TransportError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await callRpc(transport, 'tessera_test_sleep', { p_seconds: 0 })).toBe(true);
  });
});

describe('the server restarts', () => {
  let server: RestartablePostgres;
  let url: string;

  beforeAll(async () => {
    server = await startRestartablePostgres();
    await createMigratedDatabase(server.adminUrl, 'tessera_transport_restart');
    url = databaseUrl(server.adminUrl, 'tessera_transport_restart');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('calls fail with TransportError while it is down; LISTEN comes back on its own, says "*" and hears NOTIFY again', async () => {
    const listenErrors: unknown[] = [];
    const transport = track(new PgTransport({ connectionString: url, max: 3, onListenError: (error) => listenErrors.push(error) }));
    const client = new QueueClient(transport);
    // A signed-in user's calls take the other path (a transaction on a checked-out client).
    const user = new QueueClient(track(new PgTransport({ connectionString: url, max: 2, claims: { sub: newUser().id, role: 'authenticated' } })));
    const heard: string[] = [];
    await transport.subscribe(JOBS_CHANNEL, (payload) => heard.push(payload));
    await user.enqueue({ jobType: 'mine' });
    await client.enqueue({ jobType: 'before' });
    await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['mine', 'before']);

    await server.stop();
    await expect(client.stats()).rejects.toBeInstanceOf(TransportError);
    await expect(user.list()).rejects.toBeInstanceOf(TransportError);
    await expect.poll(() => listenErrors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await server.start();

    // Notifications sent while it was away are lost: listeners hear '*' (look for work).
    await expect.poll(() => heard, { timeout: 10_000, interval: 50 }).toEqual(['mine', 'before', '*']);
    await client.enqueue({ jobType: 'after' });
    await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['mine', 'before', '*', 'after']);
    expect((await client.stats()).map((row) => row.jobType).sort()).toEqual(['after', 'before', 'mine']);
    expect((await user.list()).map((job) => job.jobType)).toEqual(['mine']);
  });
});
