import { CacheInputError } from './errors';
import { findNonJsonPart } from './jsonValue';

/** The schema version stamped on every stored value; bump it when the cached shapes change. */
export type CacheVersion = number | string;

/** What a stored entry decodes to: a hit, or a miss with the reason. */
export type DecodedEntry =
  | { found: true; data: unknown }
  | { found: false; reason: 'absent' | 'version' | 'corrupt' };

/**
 * Wraps a value as `{"v":<version>,"data":<value>}`. Throws CacheInputError when the value is not
 * plain JSON. `key` only makes the message point at the caller's key.
 */
export function encodeEnvelope(data: unknown, version: CacheVersion, key: string): string {
  const problem = findNonJsonPart(data);
  if (problem) {
    throw new CacheInputError(
      `Cannot cache the value for key "${key}": ${problem}. Only plain objects, arrays, strings, finite numbers, booleans and null are stored.`,
    );
  }
  return JSON.stringify({ v: version, data });
}

/**
 * Reads a stored entry. A different version is a miss, so a deploy that changes a cached shape
 * never reads the old shape; an entry that is not our envelope (written by something else) is a
 * miss too, never an exception.
 */
export function decodeEnvelope(raw: string | null, version: CacheVersion): DecodedEntry {
  if (raw === null) return { found: false, reason: 'absent' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { found: false, reason: 'corrupt' };
  }
  if (typeof parsed !== 'object' || parsed === null || !('v' in parsed) || !('data' in parsed)) {
    return { found: false, reason: 'corrupt' };
  }
  if (parsed.v !== version) return { found: false, reason: 'version' };
  return { found: true, data: parsed.data };
}
