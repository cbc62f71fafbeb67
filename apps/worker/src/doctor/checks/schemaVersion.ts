import { type DoctorCheck, listSome, ok, problem } from '../check';

/** Where appliers record what they applied, most authoritative first. */
const LEDGERS = [
  // `supabase db push` / `supabase migration up`: one row per version.
  { table: 'supabase_migrations.schema_migrations', versions: 'select version::text as version from supabase_migrations.schema_migrations' },
  // applySqlFiles (tests, bench, scripts): one row per file.
  {
    table: 'tessera.schema_migrations',
    versions: `select split_part(substr(name, length('migrations/') + 1), '_', 1) as version
                 from tessera.schema_migrations where name like 'migrations/%'`,
  },
  // The embedded (PGlite) app's own ledger.
  {
    table: 'embedded.applied_schema_files',
    versions: `select split_part(substr(name, length('migrations/') + 1), '_', 1) as version
                 from embedded.applied_schema_files where name like 'migrations/%'`,
  },
] as const;

export const schemaVersionCheck: DoctorCheck = {
  id: 'schema-version',
  title: 'Schema version',
  async run({ db, expected }) {
    // The first ledger with rows wins; an empty one counts only when no other has rows
    // (an empty Supabase ledger next to a filled one of ours: the files were applied our way).
    let ledger: (typeof LEDGERS)[number] | undefined;
    let applied: string[] = [];
    for (const candidate of LEDGERS) {
      const [row] = await db.query<{ present: boolean }>('select to_regclass($1) is not null as present', [candidate.table]);
      if (!row?.present) continue;
      const versions = (await db.query<{ version: string }>(candidate.versions)).map((r) => r.version);
      if (!ledger || versions.length > 0) {
        ledger = candidate;
        applied = versions;
      }
      if (versions.length > 0) break;
    }
    if (!ledger) {
      return problem(
        'warn',
        'unknown: no migration ledger in this database (applied by hand?); the checks below compare the schema itself',
        'apply migrations with `supabase db push` (records supabase_migrations.schema_migrations) or applySqlFiles from @tessera/queue (records tessera.schema_migrations); plain psql records nothing',
      );
    }
    const known = new Set(expected.migrations.map((m) => m.version));
    const appliedSet = new Set(applied);
    const missing = expected.migrations.filter((m) => !appliedSet.has(m.version)).map((m) => m.file);
    const unknown = [...appliedSet].filter((version) => !known.has(version)).sort();
    const latest = expected.migrations.at(-1)?.file ?? 'none';
    if (missing.length > 0) {
      return problem(
        'fail',
        `${missing.length} of ${expected.migrations.length} migrations not applied: ${listSome(missing)} (ledger ${ledger.table})`,
        'apply the missing migrations in name order: `supabase db push` on Supabase, else psql -f each file (see README "Building a database")',
        missing.map((file) => `not applied: supabase/migrations/${file}`),
      );
    }
    if (unknown.length > 0) {
      return problem(
        'warn',
        `all ${expected.migrations.length} migrations applied, and ${unknown.length} this checkout does not have: ${listSome(unknown)}`,
        'the database is newer than this copy of Tessera: update it (git pull) before trusting the other checks',
        unknown.map((version) => `unknown migration version ${version}`),
      );
    }
    return ok(`${expected.migrations.length} of ${expected.migrations.length} migrations applied, latest ${latest} (ledger ${ledger.table})`);
  },
};
