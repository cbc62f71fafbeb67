import { PGlite } from '@electric-sql/pglite';
import type { SqlFile } from '@tessera/queue';
import { schemaFiles, seedFile } from './schemaFiles';

const LEDGER = `
  create schema if not exists embedded;
  create table if not exists embedded.applied_schema_files (
    name text primary key,
    applied_at timestamptz not null default now()
  );`;

/**
 * Applies, in order, every schema file this database has not seen yet, all in one transaction: the
 * database is never left half-migrated, and IndexedDB is written once instead of after each file
 * (that flush dominated the first start).
 */
async function migrate(db: PGlite, files: readonly SqlFile[]): Promise<void> {
  await db.exec(LEDGER);
  const done = new Set(
    (await db.query<{ name: string }>('select name from embedded.applied_schema_files')).rows.map((row) => row.name),
  );
  const rank = (name: string) => (name.startsWith('local/') ? 0 : name.startsWith('migrations/') ? 1 : 2);
  const pending = files
    .filter((file) => !done.has(file.name))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  if (pending.length === 0) return;
  await db.transaction(async (tx) => {
    for (const file of pending) {
      await tx.exec(file.sql);
      await tx.query('insert into embedded.applied_schema_files (name) values ($1)', [file.name]);
    }
  });
}

let opening: Promise<PGlite> | undefined;

/**
 * The app's one embedded database, in IndexedDB so jobs survive a closed tab. Module-level so
 * React StrictMode's double mount opens it once.
 */
export function openEmbeddedDatabase(dataDir = 'idb://tessera'): Promise<PGlite> {
  opening ??= (async () => {
    const db = await PGlite.create(dataDir);
    await migrate(db, [...schemaFiles, seedFile]);
    return db;
  })();
  return opening;
}
