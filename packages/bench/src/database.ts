import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function urlOf(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh, empty database for one system and one measurement; dropped afterwards. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `tessera_bench_${randomBytes(5).toString('hex')}`;
  await withClient(ADMIN_URL, (client) => client.query(`create database ${pg.escapeIdentifier(name)}`));
  return {
    name,
    url: urlOf(name),
    drop: () =>
      withClient(ADMIN_URL, (client) => client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)).then(
        () => undefined,
      ),
  };
}

export interface ServerInfo {
  version: string;
  settings: Record<string, string>;
}

export async function serverInfo(): Promise<ServerInfo> {
  return withClient(ADMIN_URL, async (client) => {
    const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? 'unknown';
    const rows = await client.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings
        where name in ('autovacuum', 'synchronous_commit', 'fsync', 'shared_buffers', 'max_connections', 'jit')`,
    );
    return { version, settings: Object.fromEntries(rows.rows.map((row) => [row.name, row.setting])) };
  });
}
