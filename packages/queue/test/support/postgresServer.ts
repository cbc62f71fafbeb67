import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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

function startEmbedded(): Promise<PostgresServer> {
  const script = fileURLToPath(new URL('./embeddedPostgresProcess.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const { adminUrl } = JSON.parse(line) as { adminUrl: string };
      void probe(adminUrl).then((version) =>
        resolve({
          adminUrl,
          source: 'embedded',
          version: version ?? 'unknown',
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        }),
      );
    });
    child.once('exit', (code) => reject(new Error(`embedded Postgres exited (${code}) before it was ready: ${stderr}`)));
  });
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
