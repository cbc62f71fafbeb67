import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { inject } from 'vitest';
import { QueueClient } from '../../src/client';
import type { Transport } from '../../src/transport';
import { PgTransport } from '../../src/transports/pg';
import { SupabaseTransport } from '../../src/transports/supabase';
import { IMPERSONATE_QUERY, impersonationValues } from '../../src/transports/sql-call';
import { claimsOf, type Actor, type QueueHarness } from './harness';
import { signTestJwt, startPostgrestGateway, type PostgrestGateway } from './postgrestGateway';
import { createTestDatabase } from './testDatabase';

// Tables that reference job_queue (certificates) go with it.
const RESET_SQL = 'truncate public.job_queue, public.queue_pauses cascade';

/**
 * supabase-js builds its Realtime client eagerly and wants a WebSocket for it (Node 20 has
 * none). No Realtime server runs here, so connecting is an error; nothing in the harness does.
 */
class NoRealtimeServer {
  constructor() {
    throw new Error('no Realtime server in the tests: the supabase harness wakes workers through LISTEN/NOTIFY');
  }
}

/**
 * A supabase-js client as the tests use it: the given JWT on every call (none: the API key
 * itself, i.e. anon), no session storage or refresh (no Auth server here), no Realtime.
 */
export function createTestSupabaseClient(
  url: string,
  apiKey: string,
  accessToken: () => Promise<string | null> = async () => null,
): SupabaseClient {
  return createClient(url, apiKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    accessToken,
    realtime: { transport: NoRealtimeServer as never },
  });
}

export interface SupabaseHarness extends QueueHarness {
  readonly gateway: PostgrestGateway;
  /** A supabase-js client signed in as the actor (a fresh JWT; `anon` sends only the anon key). */
  supabase(actor: Actor): SupabaseClient;
}

/**
 * The queue contract through supabase-js: a real `createClient` per actor, calling a
 * PostgREST-compatible gateway (JWT → role and `request.jwt.claims`) over a fresh Postgres
 * database. Superuser SQL (`sql`, `sqlAs`, `reset`) goes to the database directly.
 */
export async function createSupabaseHarness(): Promise<SupabaseHarness> {
  const database = await createTestDatabase(inject('postgresAdminUrl'), inject('postgresTemplate'));
  const pool = new pg.Pool({ connectionString: database.url, max: 12 });
  // `drop database ... with (force)` at the end may reach a client that is still closing.
  pool.on('error', () => undefined);
  const gateway = await startPostgrestGateway({ pool });
  const transports: Transport[] = [];

  const supabase = (actor: Actor): SupabaseClient => {
    const claims = actor.kind === 'service' ? { role: 'service_role' as const } : claimsOf(actor);
    const token = actor.kind === 'anon' || !claims ? Promise.resolve(null) : signTestJwt(claims);
    return createTestSupabaseClient(gateway.url, gateway.anonKey, () => token);
  };

  const transport = (actor: Actor): Transport => {
    const supabaseTransport = new SupabaseTransport(supabase(actor));
    // Calls go through supabase-js and the gateway. Wake-ups cannot: there is no Realtime
    // server here, so `subscribe` is LISTEN/NOTIFY on the same database (what the enqueue
    // trigger feeds). SupabaseTransport.subscribe has its own tests, against a fake client,
    // in test/unit/supabase-subscribe.test.ts.
    const listen = new PgTransport({ pool, connectionString: database.url });
    const composite: Transport = {
      rpc: (fn, args) => supabaseTransport.rpc(fn, args),
      subscribe: (channel, listener) => listen.subscribe(channel, listener),
      close: async () => {
        await Promise.all([supabaseTransport.close(), listen.close()]);
      },
    };
    transports.push(composite);
    return composite;
  };

  return {
    // QueueHarness names its backends by database; this one is real Postgres behind the gateway.
    name: 'postgres',
    gateway,
    supabase,
    transport,
    client: (actor) => new QueueClient(transport(actor)),
    sql: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[],
    sqlAs: async <T>(actor: Actor, text: string, params?: unknown[]) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(IMPERSONATE_QUERY, impersonationValues(claimsOf(actor) ?? { role: 'service_role' }));
        return (await client.query(text, params)).rows as T[];
      } finally {
        await client.query('rollback').catch(() => undefined);
        client.release();
      }
    },
    reset: async () => {
      await pool.query(RESET_SQL);
    },
    close: async () => {
      await Promise.all(transports.splice(0).map((t) => t.close()));
      await gateway.close();
      await pool.end();
      await database.drop();
    },
  };
}
