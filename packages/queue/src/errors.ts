import { ZodError } from 'zod';

/** Base class of every error the queue client raises. `code` is the SQLSTATE when there is one. */
export class QueueError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, options: { code?: string; detail?: string; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.detail = options.detail;
    this.hint = options.hint;
  }
}

/** Bad input: rejected at the edge (zod) or by the database's checks; nothing was written. */
export class ValidationError extends QueueError {}
/** The caller is not signed in, or not allowed to do this (e.g. not a queue admin). */
export class NotAllowedError extends QueueError {}
/** No such job, or not one this caller may see (the two are indistinguishable on purpose). */
export class NotFoundError extends QueueError {}
/** The worker no longer holds the job's lease: it expired and was reclaimed, or the job finished. */
export class LeaseLostError extends QueueError {}
/** The job is in a state that does not allow this (e.g. retry a completed job). */
export class InvalidStateError extends QueueError {}
/** A live job with the same job_key already exists. */
export class ConflictError extends QueueError {}
/** The database could not be reached or dropped the connection: safe to try again. */
export class TransportError extends QueueError {}
/**
 * Over a job type's rate limit (SQLSTATE PT429, HTTP 429 through PostgREST); nothing was written.
 * `retryAfterSeconds`: when enough of the one-minute window will have freed.
 */
export class RateLimitedError extends QueueError {
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: { code?: string; detail?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options);
    const seconds = /retry after (\d+)/i.exec(options.detail ?? '')?.[1] ?? /Retry-After: (\d+)/i.exec(options.hint ?? '')?.[1];
    this.retryAfterSeconds = seconds === undefined ? undefined : Number(seconds);
  }
}

/** Thrown by a processor to fail its job at once, without further retries. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

interface DatabaseErrorLike {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  details?: unknown;
  hint?: unknown;
}

const VALIDATION_CODES = new Set([
  '22023', // invalid_parameter_value: our functions' argument checks
  '22P02', // invalid_text_representation: not a uuid, not JSON, ...
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow
  '22003', // numeric_value_out_of_range
  '22001', // string_data_right_truncation
  '22004', // null_value_not_allowed
  '22025', // invalid_escape_sequence
  '2202E', // array_subscript_error
  '22P05', // untranslatable_character (\u0000 in text)
  '23502', // not_null_violation
  '23514', // check_violation
  '42883', // undefined_function: wrong argument types
  '54001', // statement_too_complex: absurdly deep JSON
  // Found by the hostile-input fuzzer (packages/queue/test/hostile):
  '22021', // character_not_in_repertoire: NUL (\u0000) in a text argument
  '22009', // invalid_time_zone_displacement_value: a timestamp argument such as -2147483648
  '22015', // interval_field_overflow: an interval argument such as 9223372036854 seconds
  '54000', // program_limit_exceeded: an argument beyond a Postgres limit (e.g. array of > 6 dimensions)
  // Their siblings in class 22 (data exception) that an argument's cast can raise as well:
  '22P03', // invalid_binary_representation: a binary parameter of the wrong shape
  '22019', // invalid_escape_character
  '2201B', // invalid_regular_expression
]);

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

// PostgREST could not reach or use its database (PGRST000-003, answered with 503/504).
const POSTGREST_CONNECTION_CODES = new Set(['PGRST000', 'PGRST001', 'PGRST002', 'PGRST003']);
// HTTP statuses that mean no answer from the API: 0 = supabase-js's fetch failed; 502-504 = a proxy's.
const NO_ANSWER_STATUSES = new Set([0, 502, 503, 504]);
// A fetch that got no answer, as Chrome, Firefox and Safari word it (Node's undici: "fetch failed").
const FETCH_FAILURE_MESSAGE = /Failed to fetch|NetworkError when attempting to fetch|Load failed/i;

function isConnectionFailure(code: string | undefined, error: unknown): boolean {
  if (code?.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (code !== undefined && POSTGREST_CONNECTION_CODES.has(code)) return true;
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  if (code === undefined && typeof status === 'number' && NO_ANSWER_STATUSES.has(status)) return true;
  const message = error instanceof Error ? error.message : '';
  if (FETCH_FAILURE_MESSAGE.test(message)) return true;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection closed|fetch failed/i.test(message);
}

/** Maps anything a transport throws (pg, PGlite, PostgREST error objects, zod) to a typed QueueError. */
export function toQueueError(error: unknown): QueueError {
  if (error instanceof QueueError) return error;
  if (error instanceof ZodError) {
    const message = error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    return new ValidationError(message, { cause: error });
  }
  const db = (typeof error === 'object' && error !== null ? error : {}) as DatabaseErrorLike;
  const code = asString(db.code);
  const message = asString(db.message) ?? String(error);
  const options = {
    code,
    detail: asString(db.detail) ?? asString(db.details),
    hint: asString(db.hint),
    cause: error,
  };
  if (code === 'P0001' && message === 'lease lost') return new LeaseLostError(message, options);
  if (code === '42501') return new NotAllowedError(message, options);
  if (code === 'P0002') return new NotFoundError(message, options);
  if (code === '55000') return new InvalidStateError(message, options);
  if (code === '23505') return new ConflictError(message, options);
  if (code === 'PT429') return new RateLimitedError(message, options);
  if (code !== undefined && VALIDATION_CODES.has(code)) return new ValidationError(message, options);
  if (isConnectionFailure(code, error)) return new TransportError(message, options);
  return new QueueError(message, options);
}
