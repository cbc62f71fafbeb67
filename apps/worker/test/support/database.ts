import { inject } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '../../../../packages/queue/test/support/testDatabase';

export interface WorkerTestDatabase {
  url: string;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A fresh migrated database for one test file (copied from the run's template), with superuser SQL. */
export async function createWorkerTestDatabase(): Promise<WorkerTestDatabase> {
  const database = await createTestDatabase(inject('postgresAdminUrl'), inject('postgresTemplate'));
  const pool = new pg.Pool({ connectionString: database.url, max: 3 });
  pool.on('error', () => undefined);
  return {
    url: database.url,
    sql: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[],
    close: async () => {
      await pool.end();
      await database.drop();
    },
  };
}
