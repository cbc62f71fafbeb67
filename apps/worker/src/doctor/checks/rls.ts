import { type DoctorCheck, listSome, migrationPath, ok, problem } from '../check';

/** Every table the migrations create in `public` exists with row-level security enabled. */
export const rlsCheck: DoctorCheck = {
  id: 'rls',
  title: 'Row-level security',
  async run({ db, expected }) {
    const rows = await db.query<{ name: string; rls: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls
         from pg_catalog.pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname = any($1::text[])`,
      [expected.tables.map((table) => table.name)],
    );
    const found = new Map(rows.map((row) => [row.name, row.rls]));
    const missing = expected.tables.filter((table) => !found.has(table.name) && !table.guarded);
    const disabled = expected.tables.filter((table) => found.get(table.name) === false);
    if (missing.length === 0 && disabled.length === 0) {
      return ok(`RLS enabled on all ${found.size} tables: ${[...found.keys()].sort().join(', ')}`);
    }
    const problems = [
      ...disabled.map((table) => `RLS is disabled on public.${table.name}: every API role with a grant reads every row`),
      ...missing.map((table) => `public.${table.name} is missing (created in ${table.file})`),
    ];
    const fix =
      disabled.length > 0
        ? disabled.map((table) => `alter table public.${table.name} enable row level security;`).join(' ')
        : `re-apply ${listSome([...new Set(missing.map((table) => migrationPath(table.file)))])}, or \`supabase db push\``;
    return problem('fail', `${problems.length} table problem${problems.length === 1 ? '' : 's'}: ${listSome([...disabled, ...missing].map((t) => t.name))}`, fix, problems);
  },
};
