import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { findPostgres } from './postgresServer';
import { createMigratedDatabase, dropDatabase } from './testDatabase';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
  }
}

/** Finds (or starts) Postgres once per run and builds the migrated template every test file copies. */
export default async function setup(project: TestProject) {
  const server = await findPostgres();
  const template = `tessera_template_${randomBytes(4).toString('hex')}`;
  await createMigratedDatabase(server.adminUrl, template);
  console.log(`[tessera tests] Postgres ${server.version} (${server.source}); PGlite (embedded) for the PGlite suites`);
  project.provide('postgresAdminUrl', server.adminUrl);
  project.provide('postgresTemplate', template);
  return async () => {
    await dropDatabase(server.adminUrl, template);
    await server.stop();
  };
}
