import { ValidationError } from '../errors';
import type { JwtClaims, RpcArgs } from '../transport';

/** What a transport needs to know of a function to call it by named arguments. */
export interface FunctionSignature {
  name: string;
  args: ReadonlyArray<{ name: string; type: string }>;
  returnsSet: boolean;
  /** Returns rows (a table type, `returns table`, a record) rather than a scalar. */
  returnsRows: boolean;
}

/** One row per overload of `public.<name>`; the queue's functions have exactly one. */
export const SIGNATURE_QUERY = `
select p.proretset as returns_set,
       t.typtype in ('c', 'p') as returns_rows,
       coalesce(p.proargnames[1:p.pronargs], '{}') as arg_names,
       array(select format_type(a, null) from unnest(p.proargtypes) with ordinality u(a, n) order by n) as arg_types
  from pg_catalog.pg_proc p
  join pg_catalog.pg_type t on t.oid = p.prorettype
 where p.pronamespace = 'public'::regnamespace
   and p.proname = $1`;

export interface SignatureRow {
  returns_set: boolean;
  returns_rows: boolean;
  arg_names: string[];
  arg_types: string[];
}

const FUNCTION_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertFunctionName(name: string): void {
  if (!FUNCTION_NAME.test(name)) throw new ValidationError(`invalid function name ${JSON.stringify(name)}`);
}

export function toSignature(name: string, rows: readonly SignatureRow[]): FunctionSignature {
  if (rows.length === 0) {
    throw new ValidationError(`function public.${name} does not exist (are the migrations applied?)`, {
      code: '42883',
    });
  }
  if (rows.length > 1) throw new ValidationError(`function public.${name} is overloaded; call it by SQL`);
  const [row] = rows as [SignatureRow];
  return {
    name,
    returnsSet: row.returns_set,
    returnsRows: row.returns_rows,
    args: row.arg_names.map((argName, index) => ({ name: argName, type: row.arg_types[index] ?? 'unknown' })),
  };
}

const JSON_TYPES = new Set(['json', 'jsonb']);
const TIME_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone', 'date', 'interval']);

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function toJsonText(value: unknown, name: string, fn: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(
      `argument ${name} of ${fn} cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A scalar the drivers can send for a (non-JSON) Postgres type; the database checks the rest. */
function checkScalar(value: unknown, type: string, name: string, fn: string): unknown {
  if (value === null) return null;
  const ok =
    typeof value === 'string' ||
    typeof value === 'number' ||
    (typeof value === 'boolean' && (type === 'boolean' || type === 'text')) ||
    (value instanceof Date && TIME_TYPES.has(type)) ||
    (typeof value === 'bigint' && /int|numeric/.test(type));
  if (!ok) throw new ValidationError(`argument ${name} of ${fn} must be a ${type} value, got ${describeValue(value)}`);
  return value;
}

/**
 * Checks an argument's shape against its Postgres type before it reaches a driver, so bad input
 * is a ValidationError naming the argument (and never a malformed protocol message).
 */
function toParameter(value: unknown, type: string, name: string, fn: string): unknown {
  if (value === null) return null;
  // Drivers turn JS arrays into Postgres arrays; a jsonb parameter must be JSON text.
  if (JSON_TYPES.has(type)) return toJsonText(value, name, fn);
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) {
      throw new ValidationError(`argument ${name} of ${fn} must be an array (${type}), got ${describeValue(value)}`);
    }
    const element = type.slice(0, -2);
    return value.map((item: unknown) =>
      JSON_TYPES.has(element) ? (item === null ? null : toJsonText(item, name, fn)) : checkScalar(item, element, name, fn),
    );
  }
  return checkScalar(value, type, name, fn);
}

/**
 * Builds the one statement that calls the function and returns its result as a single JSON
 * value in column `result`, shaped like PostgREST's answer.
 */
export function buildCall(signature: FunctionSignature, args: RpcArgs = {}): { text: string; values: unknown[] } {
  const known = new Map(signature.args.map((arg) => [arg.name, arg.type]));
  const named: string[] = [];
  const values: unknown[] = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) continue;
    const type = known.get(name);
    if (type === undefined) {
      throw new ValidationError(
        `function ${signature.name} has no argument ${name} (it takes ${[...known.keys()].join(', ') || 'none'})`,
      );
    }
    values.push(toParameter(value, type, name, signature.name));
    named.push(`${name} => $${values.length}::${type}`);
  }
  const call = `public.${signature.name}(${named.join(', ')})`;
  let text: string;
  if (signature.returnsSet && signature.returnsRows) {
    text = `select coalesce(jsonb_agg(to_jsonb(r)), '[]'::jsonb) as result from ${call} r`;
  } else if (signature.returnsSet) {
    text = `select coalesce(jsonb_agg(r.v), '[]'::jsonb) as result from ${call} as r(v)`;
  } else if (signature.returnsRows) {
    text = `select to_jsonb(r) as result from ${call} r`;
  } else {
    text = `select to_jsonb(${call}) as result`;
  }
  return { text, values };
}

/** The statement that makes the rest of a transaction run as a Supabase API role with these claims. */
export const IMPERSONATE_QUERY = `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`;

export function impersonationValues(claims: JwtClaims): [string, string] {
  return [claims.role ?? (claims.sub ? 'authenticated' : 'anon'), JSON.stringify(claims)];
}
