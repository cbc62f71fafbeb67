import { randomBytes } from 'node:crypto';
import { applySqlFiles } from '@tessera/queue';
import { readSchemaFiles } from '@tessera/queue/sql';
import pg from 'pg';
// The test suites' finder: DATABASE_URL, else 127.0.0.1:5432, else an embedded Postgres.
import { findPostgres, type PostgresServer } from '../../../queue/test/support/postgresServer';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The soak writes 100,000 jobs as fast as it can: only a Postgres on this machine will do. */
export function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  const host = hostname || new URLSearchParams(new URL(url).search).get('host') || '';
  // An empty host or a socket directory means a Unix socket: local too.
  if (host === '' || host.startsWith('/') || LOOPBACK.has(host)) return;
  throw new Error(
    `refusing to soak ${host}: only a loopback Postgres (127.0.0.1, localhost, ::1 or a Unix socket). ` +
      'Point DATABASE_URL at a local server, or unset it to use 127.0.0.1:5432 or an embedded Postgres.',
  );
}

export interface SoakDatabase {
  url: string;
  name: string;
  server: PostgresServer;
  /** Drops the database and stops an embedded server. */
  drop(): Promise<void>;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database `tessera_soak_<hex>` with the schema applied; dropped by `drop()`. */
export async function createSoakDatabase(): Promise<SoakDatabase> {
  if (process.env.DATABASE_URL) assertLoopback(process.env.DATABASE_URL);
  const server = await findPostgres();
  assertLoopback(server.adminUrl);
  const name = `tessera_soak_${randomBytes(5).toString('hex')}`;
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    try {
      await withClient(server.adminUrl, (client) => client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`));
    } finally {
      await server.stop();
    }
  };
  try {
    await withClient(server.adminUrl, (client) => client.query(`create database ${pg.escapeIdentifier(name)}`));
    await withClient(url.toString(), (client) => applySqlFiles((sql) => client.query(sql), readSchemaFiles()));
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { url: url.toString(), name, server, drop };
}
