const BOOLEAN_WORDS = ['true', 't', 'yes', 'y', 'on', '1', 'false', 'f', 'no', 'n', 'off', '0'];

function pgliteSendsDate(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) return true;
  const time = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Number.NaN;
  return Math.abs(time) <= 8.64e15; // toISOString() throws outside the Date range (and on NaN)
}

function pgliteSendsBoolean(value: unknown): boolean {
  if (typeof value === 'boolean' || value === 0 || value === 1) return true;
  return typeof value === 'string' && BOOLEAN_WORDS.includes(value.trim().toLowerCase());
}

/**
 * Values that PGlite's parameter serialisers (in @electric-sql/pglite, JavaScript side) cannot
 * send for a parameter of this SQL type. node-postgres sends all of them and Postgres refuses them
 * cleanly; through PGliteTransport they fail before reaching the database — with an untyped
 * QueueError, or (a non-array for an array parameter, an array for a scalar one) with a protocol
 * error that leaves the shared PGlite session in an aborted transaction. Pinned in knownGaps.test.ts.
 */
export function pgliteCannotSend(sqlType: string, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (sqlType.endsWith('[]')) {
    if (!Array.isArray(value)) return true;
    const element = sqlType.slice(0, -2);
    return value.some((item) => pgliteCannotSend(element, item) || Array.isArray(item));
  }
  if (Array.isArray(value)) return sqlType !== 'jsonb' && sqlType !== 'json';
  if (sqlType.startsWith('timestamp') || sqlType === 'date') return !pgliteSendsDate(value);
  if (sqlType === 'boolean') return !pgliteSendsBoolean(value);
  // Other types are sent as value.toString(): an object whose own toString is not a function throws.
  return sqlType !== 'jsonb' && typeof (value as { toString?: unknown }).toString !== 'function';
}
