import { describe, expect, it } from 'vitest';
import { createCache, MemoryStore } from '../src/index';
import { defineCacheContract } from './support/cacheContract';

let appCount = 0;
// One store for the whole file, as one Node process would share it: apps stay apart by namespace.
const sharedStore = new MemoryStore();

describe('cache contract on the in-memory LRU', () => {
  defineCacheContract({
    backend: 'memory',
    newApp: () => `memory-${String((appCount += 1))}`,
    optionsFor: (app) => ({ app, memoryStore: sharedStore }),
  });
});

describe('in-memory LRU bounds', () => {
  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = createCache({ app: 'bounded-entries', maxEntries: 3 });
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.set('c', 3, 60);
    expect(await cache.get('a')).toBe(1); // a is now the most recently used
    await cache.set('d', 4, 60);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
    expect(await cache.get('d')).toBe(4);
  });

  it('evicts by bytes beyond maxBytes and refuses a single value larger than the budget', async () => {
    // Each entry costs about (key + envelope) * 2 bytes ≈ 450 bytes here, so two fit in 1,000.
    const cache = createCache({ app: 'bounded-bytes', maxBytes: 1_000 });
    const text = 'x'.repeat(190);
    await cache.set('one', text, 60);
    await cache.set('two', text, 60);
    expect(await cache.get('one')).toBe(text);
    await cache.set('three', text, 60);
    expect(await cache.get('two')).toBeUndefined();
    expect(await cache.get('one')).toBe(text);
    expect(await cache.get('three')).toBe(text);

    await cache.set('huge', 'y'.repeat(5_000), 60);
    expect(await cache.get('huge')).toBeUndefined();
  });

  it('reports memory as both configured and serving backend when no Redis is given', () => {
    const cache = createCache({ app: 'no-redis', redis: undefined });
    expect(cache.stats()).toEqual({
      backend: 'memory',
      configured: 'memory',
      circuit: 'closed',
      readonly: false,
      hits: 0,
      misses: 0,
      hitRate: 0,
      errors: 0,
      fallbacks: 0,
      lastError: null,
    });
  });
});
