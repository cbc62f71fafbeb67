import { LRUCache } from 'lru-cache';
import type { KeyValueStore } from './keyValueStore';

export interface MemoryStoreOptions {
  /** Most entries kept; the least recently used go first. Default 5,000. */
  maxEntries?: number;
  /** Most bytes kept (approximate: UTF-16 length of key and value). Default 50 MB. */
  maxBytes?: number;
}

export const DEFAULT_MAX_ENTRIES = 5_000;
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * An in-process LRU bounded by entries and bytes. It stores the encoded strings, not the values,
 * so a hit is always a fresh copy (callers cannot mutate each other's cached objects) and memory
 * behaves exactly like Redis. One store may be shared by several caches to share one budget.
 */
export class MemoryStore implements KeyValueStore {
  private readonly entries: LRUCache<string, string>;

  constructor(options: MemoryStoreOptions = {}) {
    this.entries = new LRUCache<string, string>({
      max: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      maxSize: options.maxBytes ?? DEFAULT_MAX_BYTES,
      // JS strings are UTF-16: two bytes per code unit is what they really cost in memory.
      sizeCalculation: (raw, key) => (raw.length + key.length) * 2,
    });
  }

  /** How many entries are held now (expired ones may still count until read). */
  get size(): number {
    return this.entries.size;
  }

  // Promises only to share the KeyValueStore interface with Redis; the work is synchronous.

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.entries.get(key) ?? null);
  }

  set(key: string, raw: string, ttlSeconds: number): Promise<void> {
    // An entry bigger than maxBytes is not stored at all (lru-cache refuses it): a miss later.
    this.entries.set(key, raw, { ttl: ttlSeconds * 1000 });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  deleteByPrefix(prefix: string): Promise<number> {
    let deleted = 0;
    // Collect first: deleting while iterating the LRU's live list would skip entries.
    const matching = [...this.entries.keys()].filter((key) => key.startsWith(prefix));
    for (const key of matching) {
      if (this.entries.delete(key)) deleted += 1;
    }
    return Promise.resolve(deleted);
  }
}
