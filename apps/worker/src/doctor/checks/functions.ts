import { resolveFunctions } from '../catalog/resolveFunctions';
import { type DoctorCheck, listSome, migrationPath, ok, problem } from '../check';

/** Every `public` function the migrations create exists with the argument types they give it. */
export const functionsCheck: DoctorCheck = {
  id: 'functions',
  title: 'Contract functions',
  async run({ db, expected }) {
    const resolved = await resolveFunctions(db, expected.functions);
    const absent = expected.functions.filter((fn) => resolved.get(fn.signature)?.oid === null);
    const missing = absent.filter((fn) => !fn.guarded);
    const optional = absent.length - missing.length;
    const note = optional > 0 ? `; ${optional} guarded by an absent feature not installed` : '';
    if (missing.length === 0) {
      return ok(`all ${expected.functions.length - optional} functions of the migrations present${note}`);
    }
    // Same name, other arguments: say what is there instead of just "missing".
    const overloads = await db.query<{ name: string; signature: string }>(
      `select p.proname as name, p.oid::regprocedure::text as signature
         from pg_catalog.pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.proname = any($1::text[])
        order by 2`,
      [missing.map((fn) => fn.name)],
    );
    const problems = missing.map((fn) => {
      const others = overloads.filter((row) => row.name === fn.name).map((row) => row.signature);
      const unknownTypes = resolved.get(fn.signature)?.unknownTypes ?? [];
      const why = unknownTypes.length > 0 ? ` (unknown type ${unknownTypes.join(', ')})` : '';
      return others.length > 0
        ? `${fn.signature} has other argument types here: ${others.join('; ')} (defined in ${fn.file})`
        : `${fn.signature} is missing${why} (defined in ${fn.file})`;
    });
    const files = [...new Set(missing.map((fn) => migrationPath(fn.file)))];
    return problem(
      'fail',
      `${missing.length} of ${expected.functions.length} functions missing or with other arguments: ${listSome(missing.map((fn) => fn.name))}`,
      `re-apply ${listSome(files)} (its create or replace statements are safe to run again), or \`supabase db push\``,
      problems,
    );
  },
};
