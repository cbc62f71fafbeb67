import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type pg from 'pg';
import type { JwtClaims } from '../../src/transport';
import {
  assertFunctionName,
  buildCall,
  SIGNATURE_QUERY,
  toSignature,
  type FunctionSignature,
  type SignatureRow,
} from '../../src/transports/sql-call';

/** The HS256 secret of the test gateway (the shape of Supabase's local default). */
export const TEST_JWT_SECRET = 'tessera-test-jwt-secret-with-at-least-32-characters';

/** Signs claims as Supabase Auth would; `exp` defaults to `expiresIn` from now. */
export async function signTestJwt(claims: JwtClaims, secret = TEST_JWT_SECRET, expiresIn = '1h'): Promise<string> {
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
  if (claims.exp === undefined) jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}

export interface PostgrestGateway {
  /** The project URL to give `createClient` (the API is under `/rest/v1`). */
  readonly url: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  close(): Promise<void>;
}

interface ErrorBody {
  code?: string | null;
  message: string;
  details?: string | null;
  hint?: string | null;
}

/** An answer other than 200, with PostgREST's error body. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

const SERVER_ERROR_FAMILIES = ['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0'];

/** PostgREST's table "Errors and HTTP status codes": SQLSTATE → status. */
function statusOf(code: string, anonymous: boolean): number {
  if (code === '42501') return anonymous ? 401 : 403;
  if (code === '42883' || code === '42P01') return 404;
  if (code === '23503' || code === '23505') return 409;
  if (code === '25006') return 405;
  if (code === 'P0001') return 400;
  if (code === '42P17') return 500;
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const family = code.slice(0, 2);
  if (family === '08' || family === '53') return 503;
  if (family === '0L' || family === '0P' || family === '28') return 403;
  return SERVER_ERROR_FAMILIES.includes(family) || family === 'XX' ? 500 : 400;
}

function invalidToken(code: string, message: string): HttpError {
  const challenge = `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`;
  return new HttpError(401, { code, message }, { 'WWW-Authenticate': challenge });
}

async function verify(token: string, secret: Uint8Array): Promise<JwtClaims> {
  try {
    return (await jwtVerify(token, secret, { algorithms: ['HS256'] })).payload as JwtClaims;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalidToken('PGRST303', 'JWT expired');
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw invalidToken('PGRST301', 'JWSError JWSInvalidSignature');
    }
    throw invalidToken('PGRST301', error instanceof Error ? error.message : 'invalid JWT');
  }
}

/** As on Supabase: an API key is required, and the session JWT (else the key itself) says who calls. */
async function authenticate(req: IncomingMessage, secret: Uint8Array): Promise<JwtClaims> {
  const apikey = req.headers.apikey;
  if (typeof apikey !== 'string' || apikey === '') {
    throw new HttpError(401, { message: 'No API key found in request', hint: 'No `apikey` request header was found.' });
  }
  await verify(apikey, secret).catch(() => {
    throw new HttpError(401, { message: 'Invalid API key', hint: 'Double check your anon or service_role API key.' });
  });
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return verify(bearer ?? apikey, secret);
}

const JSON_MEDIA = /(^|,)\s*(\*\/\*|application\/\*|application\/json|application\/vnd\.pgrst\.array\+json)\s*(;|,|$)/;

/** `application/vnd.pgrst.object+json` (supabase-js `.single()`) asks for one object; JSON is the default. */
function wantsObject(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '*/*';
  if (accept.startsWith('application/vnd.pgrst.object+json')) return true;
  if (JSON_MEDIA.test(accept)) return false;
  throw new HttpError(406, { code: 'PGRST107', message: `None of these media types are available: ${accept}` });
}

function assertPublicSchema(req: IncomingMessage): void {
  const profile = req.headers['content-profile'] ?? req.headers['accept-profile'];
  if (profile === undefined || profile === 'public') return;
  throw new HttpError(406, {
    code: 'PGRST106',
    message: `Invalid schema: ${String(profile)}`,
    hint: 'Only the following schemas are exposed: public',
  });
}

async function readArgs(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, { code: 'PGRST102', message: 'Empty or invalid json', details: String(error) });
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new HttpError(400, { code: 'PGRST102', message: 'a function call takes a JSON object of named arguments' });
}

function functionNotFound(fn: string, args: object, message?: string, candidate?: FunctionSignature): HttpError {
  const names = Object.keys(args).join(', ');
  return new HttpError(404, {
    code: 'PGRST202',
    message: message ?? `Could not find the function public.${fn}(${names}) in the schema cache`,
    details:
      `Searched for the function public.${fn} with parameters ${names || 'none'} or with a single unnamed ` +
      'json/jsonb parameter, but no matches were found in the schema cache.',
    hint: candidate
      ? `Perhaps you meant to call the function public.${fn}(${candidate.args.map((a) => a.name).join(', ')})`
      : null,
  });
}

/** What PostgREST sets for each request, local to its transaction: the role and the JWT claims first. */
const REQUEST_SETTINGS_QUERY = `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
  set_config('request.method', $3, true), set_config('request.path', $4, true),
  set_config('request.headers', $5, true)`;

type Call = { text: string; values: unknown[] };

/**
 * A PostgREST-compatible RPC endpoint over real Postgres, as much as supabase-js `.rpc()` uses:
 * `POST /rest/v1/rpc/:fn` with named arguments as JSON; `apikey` and `Authorization: Bearer`
 * (HS256); each call in its own transaction as the JWT's role with `request.jwt.claims` set;
 * results and errors shaped, and statuses chosen, as PostgREST does.
 */
export async function startPostgrestGateway(options: { pool: pg.Pool; jwtSecret?: string }): Promise<PostgrestGateway> {
  const { pool } = options;
  const jwtSecret = options.jwtSecret ?? TEST_JWT_SECRET;
  const secret = new TextEncoder().encode(jwtSecret);
  // The schema cache: a function's signature is read once (by the connecting superuser).
  const signatures = new Map<string, Promise<SignatureRow[]>>();

  const signatureRows = (fn: string): Promise<SignatureRow[]> => {
    let cached = signatures.get(fn);
    if (!cached) {
      cached = pool.query<SignatureRow>(SIGNATURE_QUERY, [fn]).then((result) => result.rows);
      cached.catch(() => signatures.delete(fn));
      signatures.set(fn, cached);
    }
    return cached;
  };

  async function resolveCall(fn: string, args: Record<string, unknown>): Promise<Call> {
    try {
      assertFunctionName(fn);
    } catch {
      throw functionNotFound(fn, args);
    }
    const rows = await signatureRows(fn).catch((error: unknown) => {
      const message = 'Could not query the database for the schema cache. Retrying.';
      throw new HttpError(503, { code: 'PGRST002', message, details: String(error) });
    });
    if (rows.length === 0) throw functionNotFound(fn, args);
    if (rows.length > 1) {
      const message = `Could not choose the best candidate function between the overloads of public.${fn}`;
      throw new HttpError(300, { code: 'PGRST203', message });
    }
    const signature = toSignature(fn, rows);
    try {
      return buildCall(signature, args);
    } catch (error) {
      // buildCall names the function and the unknown argument, as the other transports report it.
      throw functionNotFound(fn, args, (error as Error).message, signature);
    }
  }

  async function run(req: IncomingMessage, claims: JwtClaims, call: Call, single: boolean): Promise<unknown> {
    const client = await pool.connect().catch((error: unknown) => {
      const message = 'Could not connect with the database';
      throw new HttpError(503, { code: 'PGRST000', message, details: String(error) });
    });
    const role = typeof claims.role === 'string' ? claims.role : 'anon';
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    try {
      await client.query('begin');
      const settings = [role, JSON.stringify(claims), req.method, path, JSON.stringify(req.headers)];
      await client.query(REQUEST_SETTINGS_QUERY, settings);
      const result = (await client.query<{ result: unknown }>(call.text, call.values)).rows[0]?.result ?? null;
      if (single && Array.isArray(result) && result.length !== 1) {
        throw new HttpError(406, {
          code: 'PGRST116',
          message: 'JSON object requested, multiple (or no) rows returned',
          details: `The result contains ${result.length} rows`,
        });
      }
      await client.query('commit');
      return single && Array.isArray(result) ? result[0] : result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if (error instanceof HttpError) throw error;
      const db = error as Partial<pg.DatabaseError>;
      if (typeof db.code !== 'string' || !/^[0-9A-Z]{5}$/.test(db.code)) {
        throw new HttpError(503, { code: 'PGRST001', message: 'Database client error', details: String(error) });
      }
      const body = { code: db.code, message: db.message ?? String(error), details: db.detail, hint: db.hint };
      throw new HttpError(statusOf(db.code, role === 'anon'), body);
    } finally {
      client.release();
    }
  }

  async function handle(req: IncomingMessage): Promise<{ result: unknown; headers: Record<string, string> }> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    const fn = /^\/rest\/v1\/rpc\/([^/]+)$/.exec(path)?.[1];
    if (fn === undefined) {
      throw new HttpError(404, { code: 'PGRST125', message: `Invalid path specified in request URL: ${path}` });
    }
    if (req.method !== 'POST') {
      const message = `Unsupported HTTP method: ${req.method}`;
      throw new HttpError(405, { code: 'PGRST117', message }, { Allow: 'POST' });
    }
    const claims = await authenticate(req, secret);
    assertPublicSchema(req);
    const single = wantsObject(req);
    const args = await readArgs(req);
    const result = await run(req, claims, await resolveCall(decodeURIComponent(fn), args), single);
    const headers: Record<string, string> = {};
    // `Prefer: count=exact` (supabase-js `{ count }`): the row count goes in Content-Range.
    if (/count=(exact|planned|estimated)/.test(String(req.headers.prefer ?? ''))) {
      const rows = Array.isArray(result) ? result.length : 1;
      headers['Content-Range'] = rows === 0 ? '*/0' : `0-${rows - 1}/${rows}`;
    }
    return { result, headers };
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    handle(req).then(
      ({ result, headers }) => send(res, 200, result, headers),
      (error: unknown) => {
        const failure = error instanceof HttpError ? error : new HttpError(500, { message: String(error) });
        const { code = null, message, details = null, hint = null } = failure.body;
        send(res, failure.status, { code, details: details ?? null, hint: hint ?? null, message }, failure.headers);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const [anonKey, serviceRoleKey] = await Promise.all([
    signTestJwt({ role: 'anon', iss: 'tessera-test' }, jwtSecret, '10y'),
    signTestJwt({ role: 'service_role', iss: 'tessera-test' }, jwtSecret, '10y'),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    anonKey,
    serviceRoleKey,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
