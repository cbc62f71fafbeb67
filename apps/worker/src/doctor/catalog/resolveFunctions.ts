import type { DoctorDb } from '../check';

export interface ResolvedFunction {
  signature: string;
  /** The function's oid, or null when no function has this name and these argument types. */
  oid: number | null;
  /** Argument types this database does not know (then the function cannot exist either). */
  unknownTypes: string[];
}

/**
 * Looks functions up by exact signature. Types are resolved first: on Postgres 15
 * to_regprocedure() raises, rather than returning null, when an argument type is unknown.
 */
export async function resolveFunctions(
  db: DoctorDb,
  functions: ReadonlyArray<{ signature: string; argTypes: string[] }>,
): Promise<Map<string, ResolvedFunction>> {
  // Only type names that look like type names reach to_regtype (it raises on a syntax error).
  const types = [...new Set(functions.flatMap((fn) => fn.argTypes))].filter((type) => /^[A-Za-z_"][\w".\s,()[\]]*$/.test(type));
  const known = new Set(
    (
      await db.query<{ type: string }>(
        'select t as type from unnest($1::text[]) as t where to_regtype(t) is not null',
        [types],
      )
    ).map((row) => row.type),
  );
  const resolvable = functions.filter((fn) => fn.argTypes.every((type) => known.has(type)));
  const oids = new Map(
    (
      await db.query<{ signature: string; oid: number | null }>(
        'select s as signature, to_regprocedure(s)::oid::int8 as oid from unnest($1::text[]) as s',
        [resolvable.map((fn) => fn.signature)],
      )
    ).map((row) => [row.signature, row.oid === null ? null : Number(row.oid)]),
  );
  return new Map(
    functions.map((fn) => [
      fn.signature,
      {
        signature: fn.signature,
        oid: oids.get(fn.signature) ?? null,
        unknownTypes: fn.argTypes.filter((type) => !known.has(type)),
      },
    ]),
  );
}
