import { afterEach, beforeEach, expect, it } from 'vitest';
import { CacheInputError, createCache, type Cache, type CacheBackendName, type CacheOptions } from '../../src/index';

export interface ContractHarness {
  backend: CacheBackendName;
  /** A fresh app name for one test. */
  newApp(): string;
  /** Options that point a cache at this backend (app, redis connection, shared memory store…). */
  optionsFor(app: string): CacheOptions;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` for every item, `batchSize` at a time (250 parallel HTTP requests only test the OS). */
export async function inBatches<T>(items: readonly T[], batchSize: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += batchSize) {
    await Promise.all(items.slice(start, start + batchSize).map(work));
  }
}

/**
 * The behaviour every backend must show; call it inside a describe, once per backend. Each test
 * gets its own app namespace. After each test it checks that the configured backend served every
 * call (no error, no fallback), so a silently failing Redis cannot pass by falling back to memory.
 */
export function defineCacheContract(harness: ContractHarness): void {
  let app = '';
  let created: Cache[] = [];

  const newCache = (overrides: Partial<CacheOptions> = {}): Cache => {
    const cache = createCache({ ...harness.optionsFor(app), ...overrides });
    created.push(cache);
    return cache;
  };

  beforeEach(() => {
    app = harness.newApp();
    created = [];
  });

  afterEach(() => {
    for (const cache of created) {
      const stats = cache.stats();
      expect(stats.configured).toBe(harness.backend);
      expect({ errors: stats.errors, fallbacks: stats.fallbacks, lastError: stats.lastError }).toEqual({
        errors: 0,
        fallbacks: 0,
        lastError: null,
      });
    }
  });

  it('round-trips a value through set, get and del, handing out copies', async () => {
    const cache = newCache();
    const event = { id: 7, title: 'Café ☕ meetup 🎉', tags: ['a', 'b'], venue: null, seats: 12.5, open: true };
    await cache.set('event:7', event, 60);
    const first = await cache.get<typeof event>('event:7');
    expect(first).toEqual(event);
    expect(first).not.toBe(event);
    await cache.set('event:7', { ...event, seats: 0 }, 60);
    expect(await cache.get('event:7')).toEqual({ ...event, seats: 0 });
    await cache.del('event:7');
    expect(await cache.get('event:7')).toBeUndefined();
  });

  it('tells a missing key (undefined) from a stored null, string or number', async () => {
    const cache = newCache();
    expect(await cache.get('never-set')).toBeUndefined();
    await cache.set('nothing', null, 60);
    await cache.set('text', 'OK', 60);
    await cache.set('number', 42, 60);
    expect(await cache.get('nothing')).toBeNull();
    expect(await cache.get('text')).toBe('OK');
    expect(await cache.get('number')).toBe(42);
  });

  it('expires a value after its TTL', async () => {
    const cache = newCache();
    await cache.set('short-lived', 'here', 1);
    await cache.set('long-lived', 'here', 60);
    expect(await cache.get('short-lived')).toBe('here');
    await sleep(1_150);
    expect(await cache.get('short-lived')).toBeUndefined();
    expect(await cache.get('long-lived')).toBe('here');
  });

  it('invalidates exactly the keys under a prefix (250 keys)', async () => {
    const cache = newCache();
    const ids = Array.from({ length: 250 }, (_, index) => index);
    await inBatches(ids, 25, (id) => cache.set(`events:${String(id)}`, { id }, 60));
    await cache.set('users:1', 'kept', 60);
    await cache.set('eventsummary', 'kept: no colon after "events"', 60);
    await cache.set('glob*:1', 'literal star', 60);
    await cache.set('globX:1', 'kept: * in a prefix is not a wildcard', 60);

    expect(await cache.invalidate('events:')).toBe(250);
    expect(await cache.invalidate('glob*')).toBe(1);

    const left: unknown[] = [];
    await inBatches(ids, 25, async (id) => left.push(await cache.get(`events:${String(id)}`)));
    expect(left.filter((value) => value !== undefined)).toEqual([]);
    expect(left).toHaveLength(250);
    expect(await cache.get('glob*:1')).toBeUndefined();
    expect(await cache.get('users:1')).toBe('kept');
    expect(await cache.get('eventsummary')).toBe('kept: no colon after "events"');
    expect(await cache.get('globX:1')).toBe('kept: * in a prefix is not a wildcard');
    expect(await cache.invalidate('events:')).toBe(0);
  });

  it('keeps apps apart: same key, other app, other value; invalidate stays in its app', async () => {
    const web = newCache();
    const worker = newCache({ app: `${app}-other` });
    await web.set('events:1', 'web', 60);
    await worker.set('events:1', 'worker', 60);
    expect(await web.get('events:1')).toBe('web');
    await web.invalidate('events');
    expect(await web.get('events:1')).toBeUndefined();
    expect(await worker.get('events:1')).toBe('worker');
  });

  it('treats a value stored under another schema version as a miss', async () => {
    const v1 = newCache({ version: 1 });
    const v2 = newCache({ version: 2 });
    await v1.set('profile', { name: 'old shape' }, 60);
    expect(await v2.get('profile')).toBeUndefined();
    expect(v2.stats()).toMatchObject({ hits: 0, misses: 1 });
    const loaded = await v2.getOrSet('profile', () => ({ fullName: 'new shape' }), 60);
    expect(loaded).toEqual({ fullName: 'new shape' });
    expect(await v2.get('profile')).toEqual({ fullName: 'new shape' });
    expect(await v1.get('profile')).toBeUndefined();
  });

  it('runs one loader for 100 concurrent getOrSet calls and gives all of them the value', async () => {
    const cache = newCache();
    let loaderCalls = 0;
    const loader = async () => {
      loaderCalls += 1;
      await sleep(30);
      return { computed: loaderCalls };
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.getOrSet('report', loader, 60)));
    expect(loaderCalls).toBe(1);
    expect(results).toHaveLength(100);
    expect(results.every((result) => result.computed === 1)).toBe(true);
    expect(results[0]).not.toBe(results[1]);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 100 });

    expect(await cache.getOrSet('report', loader, 60)).toEqual({ computed: 1 });
    expect(loaderCalls).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 100 });
  });

  it('passes a loader error to every waiting caller and never caches it', async () => {
    const cache = newCache();
    let loaderCalls = 0;
    const failing = async (): Promise<string> => {
      loaderCalls += 1;
      await sleep(20);
      throw new Error('upstream down');
    };
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => cache.getOrSet('flaky', failing, 60)));
    expect(loaderCalls).toBe(1);
    for (const outcome of settled) {
      expect(outcome.status).toBe('rejected');
      expect(outcome.status === 'rejected' && (outcome.reason as Error).message).toBe('upstream down');
    }
    expect(await cache.get('flaky')).toBeUndefined();
    expect(await cache.getOrSet('flaky', () => 'recovered', 60)).toBe('recovered');
    expect(await cache.get('flaky')).toBe('recovered');

    await expect(cache.getOrSet('sync-throw', () => { throw new Error('sync'); }, 60)).rejects.toThrow('sync');
  });

  it('lets a set during a load win over the loaded value', async () => {
    const cache = newCache();
    let release: () => void = () => undefined;
    const slowLoader = () =>
      new Promise<string>((resolve) => {
        release = () => {
          resolve('loaded');
        };
      });
    const loading = cache.getOrSet('price', slowLoader, 60);
    await sleep(20);
    await cache.set('price', 'written', 60);
    release();
    expect(await loading).toBe('loaded');
    expect(await cache.get('price')).toBe('written');
  });

  it('rejects bad input with a clear CacheInputError and stores nothing', async () => {
    const cache = newCache();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const cases: Array<[Promise<unknown>, RegExp]> = [
      [cache.set('bad', 10n, 60), /\$ is a BigInt/],
      [cache.set('bad', { nested: { id: 1n } }, 60), /\$\.nested\.id is a BigInt/],
      [cache.set('bad', circular, 60), /\$\.self is a circular reference/],
      [cache.set('bad', { run: () => 1 }, 60), /\$\.run is a function/],
      [cache.set('bad', new Date(0), 60), /\$ is a Date; only plain objects/],
      [cache.set('bad', new Map(), 60), /\$ is a Map/],
      [cache.set('bad', [1, Number.NaN], 60), /\$\[1\] is NaN/],
      [cache.set('bad', undefined, 60), /\$ is undefined/],
      [cache.set('', 'value', 60), /key must not be empty/],
      [cache.get(''), /key must not be empty/],
      [cache.del(''), /key must not be empty/],
      [cache.getOrSet('', () => 1, 60), /key must not be empty/],
      [cache.invalidate(''), /prefix must not be empty/],
      [cache.set('bad', 'value', 0), /TTL must be a whole number of seconds greater than 0.*got 0/],
      [cache.set('bad', 'value', -5), /got -5/],
      [cache.set('bad', 'value', 1.5), /got 1\.5/],
      [cache.set('bad', 'value', Number.NaN), /got NaN/],
      [cache.set('bad', 'value', Number.POSITIVE_INFINITY), /got Infinity/],
      [cache.getOrSet('bad', () => 1, 0), /TTL must be/],
      [cache.getOrSet('bad', () => 1n, 60), /Cannot cache the value for key "bad": \$ is a BigInt/],
    ];
    for (const [call, message] of cases) {
      await expect(call).rejects.toThrow(CacheInputError);
      await expect(call).rejects.toThrow(message);
    }
    expect(await cache.get('bad')).toBeUndefined();
    // The loader's bad value was not cached: a good loader runs next time.
    expect(await cache.getOrSet('bad', () => 'fine', 60)).toBe('fine');
  });

  it('counts hits, misses and the hit rate, and names the serving backend', async () => {
    const cache = newCache();
    expect(cache.stats()).toMatchObject({ backend: harness.backend, hits: 0, misses: 0, hitRate: 0 });
    await cache.get('counted');
    await cache.set('counted', 1, 60);
    await cache.get('counted');
    await cache.get('counted');
    await cache.getOrSet('counted', () => 2, 60);
    expect(cache.stats()).toMatchObject({ backend: harness.backend, circuit: 'closed', hits: 3, misses: 1, hitRate: 0.75 });
  });
}
