/**
 * Every key lives under `tessera:<app>:` so apps can share one Redis database, and one app's
 * `invalidate` can never reach another app's keys.
 */
export interface Keyspace {
  /** `tessera:<app>:`, the prefix of every key this cache owns. */
  readonly root: string;
  /** The full Redis/memory key for a caller's key. */
  key(key: string): string;
}

export const KEY_ROOT = 'tessera';

export function createKeyspace(app: string): Keyspace {
  const root = `${KEY_ROOT}:${app}:`;
  return {
    root,
    key: (key) => root + key,
  };
}

/** Escapes Redis glob characters so a prefix such as `a*` matches only keys that start with `a*`. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
