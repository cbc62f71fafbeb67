import { resolveFunctions } from '../catalog/resolveFunctions';
import { type DoctorCheck, listSome, migrationPath, ok, problem } from '../check';

/**
 * EXECUTE as the migrations grant and revoke it, per role: a granted role must be able to call
 * the function, a revoked one (anon, mostly) must not — also not through PUBLIC or a default
 * privilege (Supabase grants new functions to anon by default, which is why migrations revoke).
 */
export const grantsCheck: DoctorCheck = {
  id: 'grants',
  title: 'Grants',
  async run({ db, expected }) {
    const resolved = await resolveFunctions(db, expected.functions);
    const roles = new Set(
      (await db.query<{ name: string }>('select rolname as name from pg_catalog.pg_roles')).map((row) => row.name),
    );
    const checkable = expected.grants.filter((grant) => resolved.get(grant.signature)?.oid != null && roles.has(grant.role));
    const rows = await db.query<{ oid: string; role: string; can: boolean }>(
      `select g.oid::text as oid, g.role, pg_catalog.has_function_privilege(g.role, g.oid, 'EXECUTE') as can
         from unnest($1::oid[], $2::text[]) as g(oid, role)`,
      [checkable.map((grant) => resolved.get(grant.signature)!.oid), checkable.map((grant) => grant.role)],
    );
    const can = new Map(rows.map((row) => [`${row.oid}|${row.role}`, row.can]));
    const problems: string[] = [];
    const files = new Set<string>();
    for (const grant of checkable) {
      const allowed = can.get(`${resolved.get(grant.signature)!.oid}|${grant.role}`);
      if (allowed === grant.granted) continue;
      problems.push(
        grant.granted
          ? `${grant.role} cannot EXECUTE ${grant.signature} (granted in ${grant.file})`
          : `${grant.role} can EXECUTE ${grant.signature} (revoked in ${grant.file})`,
      );
      files.add(migrationPath(grant.file));
    }
    const skipped = expected.grants.length - checkable.length;
    const note = skipped > 0 ? `; ${skipped} not checkable (function or role missing, see above)` : '';
    if (problems.length === 0) {
      return ok(`${checkable.length} grants and revokes on ${new Set(checkable.map((g) => g.signature)).size} functions as the migrations set them${note}`);
    }
    return problem(
      'fail',
      `${problems.length} grant${problems.length === 1 ? ' differs' : 's differ'} from the migrations${note}`,
      `run the grant/revoke lines at the end of ${listSome([...files])} again`,
      problems,
    );
  },
};
