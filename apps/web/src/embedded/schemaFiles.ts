import type { SqlFile } from '@tessera/queue';

// Bundled at build time from the repository's supabase/ folder: the same files psql applies.
const modules = import.meta.glob<string>('../../../../supabase/{local,migrations}/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

// Demo events and registrations, applied once after the migrations (as `supabase db reset` does).
import seedSql from '../../../../supabase/seed.sql?raw';

export const seedFile: SqlFile = { name: 'seed.sql', sql: seedSql };

export const schemaFiles: SqlFile[] = Object.entries(modules).map(([path, sql]) => ({
  name: path.slice(path.indexOf('supabase/') + 'supabase/'.length),
  sql,
}));
