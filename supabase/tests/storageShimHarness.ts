import { randomBytes } from 'node:crypto';
// Through the queue package's dependency: supabase/ has no node_modules of its own.
import { PGlite } from '../../packages/queue/node_modules/@electric-sql/pglite';
import { QueueClient } from '../../packages/queue/src/client';
import { applySqlFiles } from '../../packages/queue/src/sql/apply';
import { readSchemaFiles } from '../../packages/queue/src/sql/files';
import { PgTransport } from '../../packages/queue/src/transports/pg';
import { PGliteTransport } from '../../packages/queue/src/transports/pglite';
import { IMPERSONATE_QUERY, impersonationValues } from '../../packages/queue/src/transports/sql-call';
import { claimsOf, type Actor, type QueueHarness } from '../../packages/queue/test/support/harness';

/**
 * supabase/local/storage_shim.sql does nothing unless the session asks for it: every tool applies
 * every file of supabase/local/, and only these tests want a storage schema.
 */
export const STORAGE_SHIM_ON = "set tessera.storage_shim = 'on'";

export interface FreshDatabaseOptions {
  /** Apply the storage shim (between the auth shim and the migrations, by file name). */
  storageShim: boolean;
}

/**
 * A harness over a database built for this file from scratch (not the run's template): the auth
 * shim, the storage shim when asked, then every migration, as psql would apply them.
 */
export async function createFreshPgHarness(
  adminUrl: string,
  options: FreshDatabaseOptions,
): Promise<QueueHarness & { url: string }> {
  const name = `tessera_test_storage_${randomBytes(5).toString('hex')}`;
  const admin = new PgTransport({ connectionString: adminUrl, max: 1 });
  await admin.pool.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new PgTransport({ connectionString: url.toString(), max: 8 }).pool;
  const setup = await pool.connect();
  try {
    if (options.storageShim) await setup.query(STORAGE_SHIM_ON);
    await applySqlFiles((sql) => setup.query(sql), readSchemaFiles());
    // Session settings must not leak into later tests' connections.
    await setup.query('reset all');
  } finally {
    setup.release();
  }
  const transports: PgTransport[] = [];
  const transport = (actor: Actor) => {
    const created = new PgTransport({ pool, claims: claimsOf(actor), connectionString: url.toString() });
    transports.push(created);
    return created;
  };
  return {
    name: 'postgres',
    url: url.toString(),
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
      await pool.query('truncate public.job_queue, public.queue_pauses cascade');
    },
    close: async () => {
      await Promise.all(transports.map((t) => t.close()));
      await pool.end();
      await admin.pool.query(`drop database if exists ${name} with (force)`);
      await admin.close();
    },
  };
}

/** The same on an in-memory PGlite. */
export async function createFreshPGliteHarness(options: FreshDatabaseOptions): Promise<QueueHarness & { db: PGlite }> {
  const db = await PGlite.create();
  if (options.storageShim) await db.exec(STORAGE_SHIM_ON);
  await applySqlFiles((sql) => db.exec(sql), readSchemaFiles());
  await db.exec('reset all');
  const transport = (actor: Actor) => new PGliteTransport(db, { claims: claimsOf(actor) });
  return {
    name: 'pglite',
    db,
    transport,
    client: (actor) => new QueueClient(transport(actor)),
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
      await db.exec('truncate public.job_queue, public.queue_pauses cascade');
    },
    close: () => db.close(),
  };
}
