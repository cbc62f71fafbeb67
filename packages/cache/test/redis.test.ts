import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCache, TTL, type CacheOptions } from '../src/index';
import { defineCacheContract, inBatches } from './support/cacheContract';
import { UpstashBridge } from './support/upstashBridge';
import { useRedisForTests } from './support/redisForTests';

const redis = await useRedisForTests('redis.test.ts');
const TOKEN = 'redis-test-write-token';
const READ_TOKEN = 'redis-test-read-token';

describe.skipIf(!redis.available)(redis.title('cache on Redis through the Upstash REST bridge'), () => {
  let bridge: UpstashBridge;

  beforeAll(async () => {
    bridge = await UpstashBridge.start({ redis: redis.client(), token: TOKEN, readonlyToken: READ_TOKEN });
  });

  afterAll(async () => {
    await bridge.stop();
  });

  beforeEach(async () => {
    bridge.delayMs = 0;
    await bridge.start(); // in case a test stopped it and failed before restarting
  });

  /** Options for a cache on the bridge; generous timeout so a busy CI box never falls back by accident. */
  const redisOptions = (app: string, overrides: Partial<CacheOptions> = {}): CacheOptions => ({
    app,
    redis: { url: bridge.url, token: TOKEN },
    timeoutMs: 2_000,
    ...overrides,
  });

  /** Reads a key straight from Redis with node-redis, bypassing the bridge and the cache. */
  const rawRedisValue = (app: string, key: string) => redis.client().get(`tessera:${app}:${key}`);

  describe('contract', () => {
    defineCacheContract({
      backend: 'redis',
      newApp: () => redis.newApp(),
      optionsFor: (app) => redisOptions(app),
    });
  });

  it('stores a versioned JSON envelope with the TTL as Redis EX seconds', async () => {
    const app = redis.newApp();
    const cache = createCache(redisOptions(app, { version: 'v3' }));
    await cache.set('events:list', [{ id: 1 }], TTL.MEDIUM);
    expect(await rawRedisValue(app, 'events:list')).toBe('{"v":"v3","data":[{"id":1}]}');
    const ttl = await redis.client().ttl(`tessera:${app}:events:list`);
    expect(ttl).toBeGreaterThan(TTL.MEDIUM - 5);
    expect(ttl).toBeLessThanOrEqual(TTL.MEDIUM);
  });

  it('shares values between cache instances (another process, same Redis)', async () => {
    const app = redis.newApp();
    await createCache(redisOptions(app)).set('shared', { from: 'worker' }, 60);
    expect(await createCache(redisOptions(app)).get('shared')).toEqual({ from: 'worker' });
  });

  it('invalidates with SCAN MATCH pages and UNLINK, never KEYS', async () => {
    const app = redis.newApp();
    const cache = createCache(redisOptions(app, { scanCount: 50 }));
    const ids = Array.from({ length: 250 }, (_, id) => id);
    await inBatches(ids, 25, (id) => cache.set(`scan:${String(id)}`, id, 60));
    bridge.commands.length = 0;
    expect(await cache.invalidate('scan:')).toBe(250);
    const names = bridge.commands.map((command) => command.args[0]?.toUpperCase());
    expect(names.filter((name) => name === 'SCAN').length).toBeGreaterThan(1);
    expect(names).toContain('UNLINK');
    expect(names).not.toContain('KEYS');
    const scan = bridge.commands.find((command) => command.args[0]?.toUpperCase() === 'SCAN');
    expect(scan?.args).toEqual(['scan', '0', 'match', `tessera:${app}:scan:*`, 'count', '50']);
  });

  it('falls back to memory when Redis goes away and returns to Redis on its own after the cool-down', async () => {
    const app = redis.newApp();
    const reported: unknown[] = [];
    const cache = createCache(
      redisOptions(app, { timeoutMs: 500, failureThreshold: 2, cooldownMs: 300, onError: (error) => reported.push(error) }),
    );
    await cache.set('before', 'in redis', 60);
    await cache.set('doomed', 'stale unless deleted', 60);
    expect(await rawRedisValue(app, 'before')).toContain('in redis');

    await bridge.stop();

    // First failure: served by memory (which has nothing), circuit still closed (threshold 2).
    await expect(cache.get('before')).resolves.toBeUndefined();
    expect(cache.stats()).toMatchObject({ errors: 1, fallbacks: 1, circuit: 'closed' });
    // Second failure opens the circuit; the write lands in memory.
    await expect(cache.set('during', 'in memory', 60)).resolves.toBeUndefined();
    expect(cache.stats()).toMatchObject({ errors: 2, fallbacks: 2, circuit: 'open', backend: 'memory' });
    // While open, Redis is not even tried: fallbacks grow, errors do not.
    expect(await cache.get('during')).toBe('in memory');
    await expect(cache.del('doomed')).resolves.toBeUndefined();
    await expect(cache.invalidate('nothing-here')).resolves.toBe(0);
    expect(await cache.getOrSet('loaded', () => 'from loader', 60)).toBe('from loader');
    expect(cache.stats()).toMatchObject({ errors: 2, backend: 'memory' });
    expect(cache.stats().fallbacks).toBeGreaterThanOrEqual(6);
    expect(reported).toHaveLength(2);
    expect(cache.stats().lastError).toEqual(expect.any(String));

    // Something else writes to Redis while we are cut off (our envelope, version 1).
    await redis.client().set(`tessera:${app}:direct`, JSON.stringify({ v: 1, data: 'written to redis' }), { EX: 60 });
    await bridge.start();

    await vi.waitFor(async () => {
      expect(await cache.get('direct')).toBe('written to redis');
    }, {
      timeout: 5_000,
      interval: 50,
    });
    expect(cache.stats()).toMatchObject({ backend: 'redis', circuit: 'closed', errors: 2 });
    // Writes made during the outage were replayed as deletions, and memory's copies dropped:
    expect(await redis.client().exists(`tessera:${app}:doomed`)).toBe(0);
    expect(await cache.get('doomed')).toBeUndefined();
    expect(await cache.get('during')).toBeUndefined();
    expect(await cache.get('before')).toBe('in redis');
  });

  it('opens the circuit when Redis answers slower than timeoutMs (even if the onError logger throws)', async () => {
    const app = redis.newApp();
    const brokenLogger = () => {
      throw new Error('logger broke');
    };
    const cache = createCache(
      redisOptions(app, { timeoutMs: 100, failureThreshold: 1, cooldownMs: 60_000, onError: brokenLogger }),
    );
    await cache.set('slow', 'value', 60);
    bridge.delayMs = 1_000;
    await expect(cache.get('slow')).resolves.toBeUndefined();
    expect(cache.stats()).toMatchObject({ errors: 1, fallbacks: 1, circuit: 'open', backend: 'memory' });
    expect(cache.stats().lastError).toMatch(/timed out after 100 ms/);
    const requestsBefore = bridge.requests;
    await cache.set('while-open', 'memory', 60);
    expect(await cache.get('while-open')).toBe('memory');
    expect(bridge.requests).toBe(requestsBefore); // the open circuit did not even try Redis
    expect(cache.stats()).toMatchObject({ errors: 1, fallbacks: 3 });
  });

  it('readonly: reads Redis, never writes it', async () => {
    const app = redis.newApp();
    const server = createCache(redisOptions(app));
    const browser = createCache({ ...redisOptions(app), redis: { url: bridge.url, token: READ_TOKEN }, readonly: true });
    await server.set('public:events', [{ id: 1, title: 'Launch' }], 60);
    bridge.commands.length = 0;

    expect(await browser.get('public:events')).toEqual([{ id: 1, title: 'Launch' }]);
    expect(browser.stats()).toMatchObject({ backend: 'redis', readonly: true });

    await browser.set('mine', 'local only', 60);
    expect(await redis.client().exists(`tessera:${app}:mine`)).toBe(0);
    expect(await browser.get('mine')).toBe('local only');

    await browser.del('public:events');
    await browser.invalidate('public');
    expect(await rawRedisValue(app, 'public:events')).not.toBeNull();
    expect(await server.get('public:events')).toEqual([{ id: 1, title: 'Launch' }]);

    let loads = 0;
    const loader = () => {
      loads += 1;
      return { computed: true };
    };
    expect(await browser.getOrSet('computed', loader, 60)).toEqual({ computed: true });
    expect(await browser.getOrSet('computed', loader, 60)).toEqual({ computed: true });
    expect(loads).toBe(1);
    expect(await redis.client().exists(`tessera:${app}:computed`)).toBe(0);

    // The read-only token would have answered any write with NOPERM, counted as an error.
    const readonlyCommands = bridge.commands.filter((command) => command.access === 'read');
    expect(readonlyCommands.length).toBeGreaterThan(0);
    expect(readonlyCommands.every((command) => ['GET'].includes(command.args[0]?.toUpperCase() ?? ''))).toBe(true);
    expect(browser.stats()).toMatchObject({ errors: 0, fallbacks: 0 });
  });
});
