import { PGlite } from '@electric-sql/pglite';
import { applySqlFiles } from '../../src/sql/apply';
import { readSchemaFiles } from '../../src/sql/files';

/** An in-memory PGlite with every schema file applied. Close it in afterAll, or Vitest hangs. */
export async function createMigratedPGlite(): Promise<PGlite> {
  const db = await PGlite.create();
  await applySqlFiles((sql) => db.exec(sql), readSchemaFiles());
  return db;
}
