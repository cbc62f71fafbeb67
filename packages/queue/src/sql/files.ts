import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlFile } from './apply';

/** The repository's `supabase/` folder (Node only; the browser bundles the files with Vite). */
export const SUPABASE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../supabase');

/** The schema files that build a database: `local/*.sql` and `migrations/*.sql`. */
export function readSchemaFiles(supabaseDir: string = SUPABASE_DIR): SqlFile[] {
  return ['local', 'migrations'].flatMap((folder) =>
    readdirSync(join(supabaseDir, folder))
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map((name) => ({ name: `${folder}/${name}`, sql: readFileSync(join(supabaseDir, folder, name), 'utf8') })),
  );
}
