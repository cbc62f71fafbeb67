import type { SqlFile } from '@tessera/queue';

// Bundled at build time from the repository's supabase/ folder: the same files psql applies.
const modules = import.meta.glob<string>('../../../../supabase/{local,migrations}/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export const schemaFiles: SqlFile[] = Object.entries(modules).map(([path, sql]) => ({
  name: path.slice(path.indexOf('supabase/') + 'supabase/'.length),
  sql,
}));
