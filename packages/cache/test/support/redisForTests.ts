import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { deleteKeysMatching, findRedis, type RedisClient } from './redisServer';

export interface RedisForTests {
  available: boolean;
  /** Why the Redis suites are skipped (undefined when Redis is there). */
  skipReason: string | undefined;
  /** Suite title that carries the skip reason into the report when Redis is missing. */
  title(name: string): string;
  /** The node-redis client; only call it inside a suite that is not skipped. */
  client(): RedisClient;
  /** A fresh app name under this run's namespace, so parallel runs and files never collide. */
  newApp(): string;
}

/**
 * Finds Redis for one test file (top-level await), prints what runs, and on afterAll deletes
 * every key this file wrote and lets go of the connection (and of redis-server, if it started one).
 */
export async function useRedisForTests(fileLabel: string): Promise<RedisForTests> {
  const target = await findRedis();
  const runId = randomBytes(4).toString('hex');
  let appCount = 0;
  if (target.available) {
    console.log(`[cache tests] ${fileLabel}: Redis ${target.description} via Upstash REST bridge`);
  } else {
    console.log(`[cache tests] ${fileLabel}: Redis suite SKIPPED (memory backend only): ${target.reason}`);
  }
  afterAll(async () => {
    if (!target.available) return;
    await deleteKeysMatching(target.client, `tessera:t${runId}-*`);
    await target.stop();
  });
  return {
    available: target.available,
    skipReason: target.available ? undefined : target.reason,
    title: (name) => (target.available ? name : `${name} [skipped: ${target.reason}]`),
    client: () => {
      if (!target.available) throw new Error(`Redis is not available: ${target.reason}`);
      return target.client;
    },
    newApp: () => {
      appCount += 1;
      return `t${runId}-${String(appCount)}`;
    },
  };
}
