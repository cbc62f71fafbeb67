import { resolveFunctions } from '../catalog/resolveFunctions';
import { type DoctorCheck, listSome, migrationPath, ok, problem } from '../check';

/** `''` as written in a migration and `""` as pg_proc.proconfig shows it are the same empty path. */
const normalizePath = (value: string) => value.replace(/["']/g, '').replace(/\s+/g, '').toLowerCase();

/**
 * security definer and a fixed search_path as the migrations declare them: a definer function
 * without a fixed search_path can be hijacked by objects in the caller's schemas.
 */
export const functionSecurityCheck: DoctorCheck = {
  id: 'function-security',
  title: 'Function security',
  async run({ db, expected }) {
    const resolved = await resolveFunctions(db, expected.functions);
    const present = expected.functions.filter((fn) => resolved.get(fn.signature)?.oid != null);
    const rows = await db.query<{ oid: string; secdef: boolean; config: string[] | null }>(
      `select p.oid::int8::text as oid, p.prosecdef as secdef, p.proconfig as config
         from pg_catalog.pg_proc p where p.oid = any($1::oid[])`,
      [present.map((fn) => resolved.get(fn.signature)!.oid)],
    );
    const byOid = new Map(rows.map((row) => [Number(row.oid), row]));
    const problems: string[] = [];
    const files = new Set<string>();
    for (const fn of present) {
      const row = byOid.get(resolved.get(fn.signature)!.oid!);
      if (!row) continue;
      if (fn.securityDefiner !== row.secdef) {
        problems.push(
          `${fn.signature} is security ${row.secdef ? 'definer' : 'invoker'}; ${fn.file} makes it security ${fn.securityDefiner ? 'definer' : 'invoker'}`,
        );
        files.add(migrationPath(fn.file));
      }
      if (fn.searchPath !== null) {
        const setting = (row.config ?? []).find((entry) => entry.startsWith('search_path='));
        if (setting === undefined) {
          problems.push(`${fn.signature} has no fixed search_path; ${fn.file} sets search_path = ${fn.searchPath}`);
          files.add(migrationPath(fn.file));
        } else if (normalizePath(setting.slice('search_path='.length)) !== normalizePath(fn.searchPath)) {
          problems.push(`${fn.signature} has ${setting}; ${fn.file} sets search_path = ${fn.searchPath}`);
          files.add(migrationPath(fn.file));
        }
      }
    }
    if (problems.length === 0) {
      return ok(`${present.length} functions: security and search_path as the migrations declare`);
    }
    return problem(
      'fail',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} with security definer or search_path`,
      `re-apply ${listSome([...files])} (create or replace restores security definer and search_path)`,
      problems,
    );
  },
};
