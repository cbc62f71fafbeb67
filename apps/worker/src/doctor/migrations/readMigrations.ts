import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPABASE_DIR } from '@tessera/queue/sql';

/** One file of `supabase/migrations`, named `<version>_<name>.sql` as the Supabase CLI wants. */
export interface MigrationFile {
  /** The digits before the first `_` (`0001`): what `supabase_migrations.schema_migrations` records. */
  version: string;
  /** The file name, e.g. `0001_job_queue.sql`. */
  file: string;
  sql: string;
}

export const DEFAULT_MIGRATIONS_DIR = join(SUPABASE_DIR, 'migrations');

/** The migrations in the order every applier runs them (name order). */
export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((file) => /^\d+_.*\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: file.slice(0, file.indexOf('_')), file, sql: readFileSync(join(dir, file), 'utf8') }));
}
