import { type DoctorCheck, ok, problem } from '../check';

/** Supabase's API roles; plain Postgres gets them from supabase/local/auth_shim.sql. */
export const API_ROLES = ['anon', 'authenticated', 'service_role'];

export const rolesCheck: DoctorCheck = {
  id: 'roles',
  title: 'API roles',
  async run({ db, expected }) {
    const wanted = [...new Set([...API_ROLES, ...expected.grants.map((grant) => grant.role)])].sort();
    const present = new Set(
      (await db.query<{ name: string }>('select rolname as name from pg_catalog.pg_roles where rolname = any($1::text[])', [wanted])).map(
        (row) => row.name,
      ),
    );
    const missing = wanted.filter((role) => !present.has(role));
    if (missing.length === 0) return ok(`roles present: ${wanted.join(', ')}`);
    return problem(
      'fail',
      `missing role${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`,
      'on plain Postgres apply supabase/local/auth_shim.sql before the migrations (Supabase creates these roles itself)',
      missing.map((role) => `role ${role} does not exist`),
    );
  },
};
