import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { QueueClient } from '../../src/client';
import type { JwtClaims, Transport } from '../../src/transport';
import { PgTransport } from '../../src/transports/pg';
import { PGliteTransport } from '../../src/transports/pglite';
import { IMPERSONATE_QUERY, impersonationValues } from '../../src/transports/sql-call';
import { createMigratedPGlite } from './pglite';
import { createTestDatabase } from './testDatabase';

/** Who calls: the service role (a trusted connection), a signed-in user, an admin, or nobody. */
export type Actor =
  | { kind: 'service' }
  | { kind: 'service-jwt' }
  | { kind: 'user'; id: string }
  | { kind: 'admin'; id: string }
  | { kind: 'anon' };

export const service: Actor = { kind: 'service' };
export const anon: Actor = { kind: 'anon' };
export const newUser = (): Actor & { id: string } => ({ kind: 'user', id: randomUUID() });
export const newAdmin = (): Actor & { id: string } => ({ kind: 'admin', id: randomUUID() });

export function claimsOf(actor: Actor): JwtClaims | undefined {
  switch (actor.kind) {
    case 'service':
      return undefined;
    case 'service-jwt':
      return { role: 'service_role' };
    case 'anon':
      return { role: 'anon' };
    case 'user':
      return { sub: actor.id, role: 'authenticated' };
    case 'admin':
      return { sub: actor.id, role: 'authenticated', app_metadata: { role: 'admin' } };
  }
}

/** One database, seen by any actor, plus superuser SQL to inspect and arrange rows. */
export interface QueueHarness {
  readonly name: 'postgres' | 'pglite' | 'supabase';
  transport(actor: Actor): Transport;
  client(actor: Actor): QueueClient;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** SQL run as the actor would run it through PostgREST (API role + JWT claims, RLS applies). */
  sqlAs<T = Record<string, unknown>>(actor: Actor, text: string, params?: unknown[]): Promise<T[]>;
  /** Empties the queue between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

// cascade: app tables (certificates) reference job_queue.
const RESET_SQL = 'truncate public.job_queue, public.queue_pauses cascade';

export async function createPgHarness(): Promise<QueueHarness & { url: string }> {
  const database = await createTestDatabase(inject('postgresAdminUrl'), inject('postgresTemplate'));
  const pool = new pg.Pool({ connectionString: database.url, max: 12 });
  // `drop database ... with (force)` at the end may reach a client that is still closing.
  pool.on('error', () => undefined);
  const transports: PgTransport[] = [];
  const transport = (actor: Actor) => {
    const created = new PgTransport({ pool, claims: claimsOf(actor), connectionString: database.url });
    transports.push(created);
    return created;
  };
  return {
    name: 'postgres',
    url: database.url,
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
      await Promise.all(transports.map((t) => t.close()));
      await pool.end();
      await database.drop();
    },
  };
}

export async function createPGliteHarness(): Promise<QueueHarness> {
  const db = await createMigratedPGlite();
  const transport = (actor: Actor) => new PGliteTransport(db, { claims: claimsOf(actor) });
  return {
    name: 'pglite',
    transport,
    client: (actor) => new QueueClient(transport(actor)),
    // Without parameters use the simple protocol, which (like psql) runs several statements.
    sql: async <T>(text: string, params?: unknown[]) =>
      params ? (await db.query<T>(text, params)).rows : (((await db.exec(text)).at(-1)?.rows ?? []) as T[]),
    sqlAs: <T>(actor: Actor, text: string, params?: unknown[]) =>
      db.transaction(async (tx) => {
        await tx.query(IMPERSONATE_QUERY, impersonationValues(claimsOf(actor) ?? { role: 'service_role' }));
        const rows = (await tx.query<T>(text, params)).rows;
        await tx.rollback();
        return rows;
      }),
    reset: async () => {
      await db.exec(RESET_SQL);
    },
    close: () => db.close(),
  };
}
