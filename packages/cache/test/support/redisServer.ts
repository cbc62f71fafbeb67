import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient } from 'redis';

/** RESP2, like the Upstash REST API's replies (RESP3 would turn some replies into maps). */
function newClient(url: string) {
  return createClient({ url, RESP: 2, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
}

export type RedisClient = ReturnType<typeof newClient>;

/** A Redis the tests may use, and how to let go of it. */
export interface RedisTarget {
  available: true;
  url: string;
  /** e.g. "127.0.0.1:6379 (REDIS_URL)" or "127.0.0.1:41234 (redis-server started by the tests)". */
  description: string;
  client: RedisClient;
  stop(): Promise<void>;
}

export interface RedisUnavailable {
  available: false;
  /** Why the Redis suites are skipped, printed and used as the skip reason. */
  reason: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Redis at REDIS_URL (default 127.0.0.1:6379); else a throwaway `redis-server` on a random port
 * when the binary is installed; else a reason to skip.
 */
export async function findRedis(): Promise<RedisTarget | RedisUnavailable> {
  const url = process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  const existing = await tryConnect(url);
  if (existing) {
    return {
      available: true,
      url,
      description: `${new URL(url).host} (${process.env.REDIS_URL ? 'REDIS_URL' : 'default REDIS_URL'})`,
      client: existing,
      stop: () => closeQuietly(existing),
    };
  }
  if (!redisServerInstalled()) {
    return {
      available: false,
      reason: `no Redis answered at ${url} and no redis-server binary is installed (set REDIS_URL or install redis-server)`,
    };
  }
  return startThrowawayRedis(url);
}

async function startThrowawayRedis(triedUrl: string): Promise<RedisTarget | RedisUnavailable> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${String(port)}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const client = await tryConnect(url);
    if (client) {
      return {
        available: true,
        url,
        description: `127.0.0.1:${String(port)} (redis-server started by the tests; nothing answered at ${triedUrl})`,
        client,
        stop: async () => {
          await closeQuietly(client);
          await killAndWait(child);
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await killAndWait(child);
  return { available: false, reason: `nothing answered at ${triedUrl} and redis-server on port ${String(port)} did not start` };
}

async function tryConnect(url: string): Promise<RedisClient | undefined> {
  const client = newClient(url);
  // Without a listener, a refused connection would be an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.destroy();
    return undefined;
  }
}

async function closeQuietly(client: RedisClient): Promise<void> {
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

function redisServerInstalled(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Deletes every key under `pattern` with SCAN + UNLINK (the tests' own cleanup; never KEYS). */
export async function deleteKeysMatching(client: RedisClient, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const reply = await client.sendCommand<[string, string[]]>(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '500']);
    cursor = reply[0];
    if (reply[1].length > 0) await client.sendCommand(['UNLINK', ...reply[1]]);
  } while (cursor !== '0');
}
