/**
 * What a backend does. Keys arrive fully namespaced (`tessera:<app>:…`) and values as encoded
 * envelopes, so backends only move strings around.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, raw: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every key that starts with `prefix`; resolves to how many were deleted. */
  deleteByPrefix(prefix: string): Promise<number>;
}
