/** One schema file: `supabase/local/*.sql` or `supabase/migrations/*.sql`. */
export interface SqlFile {
  /** Path relative to `supabase/`, e.g. `migrations/0001_job_queue.sql`. */
  name: string;
  sql: string;
}

// One row per file applied here, so `tessera doctor` can compare a database with the migrations
// folder (databases built by `supabase db push` have supabase_migrations.schema_migrations instead).
const LEDGER = `create schema if not exists tessera;
create table if not exists tessera.schema_migrations (
  name text primary key,
  applied_at timestamptz not null default now()
);`;

const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Applies the schema the way the docs say to with psql: every file of `local/`, then every
 * file of `migrations/`, each in name order. Works for any `exec` (pg, PGlite, ...).
 */
export async function applySqlFiles(exec: (sql: string) => Promise<unknown>, files: readonly SqlFile[]): Promise<void> {
  const rank = (name: string) => (name.startsWith('local/') ? 0 : name.startsWith('migrations/') ? 1 : 2);
  const ordered = [...files]
    .filter((file) => rank(file.name) < 2)
    .sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (ordered.length > 0) await exec(LEDGER);
  for (const file of ordered) {
    try {
      await exec(file.sql);
      await exec(
        `insert into tessera.schema_migrations (name) values (${quoteLiteral(file.name)})
         on conflict (name) do update set applied_at = now()`,
      );
    } catch (error) {
      throw new Error(`applying supabase/${file.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
}
