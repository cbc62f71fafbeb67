import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { readSchemaFiles } from '../../src/sql/files';
import { applySqlFiles } from '../../src/sql/apply';

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Creates a database with every schema file applied, as `psql` would apply them. */
export async function createMigratedDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`create database ${pg.escapeIdentifier(name)}`));
  await withClient(databaseUrl(adminUrl, name), (client) =>
    applySqlFiles((sql) => client.query(sql), readSchemaFiles()),
  );
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) =>
    client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`),
  );
}

/** A fresh database for one test file, copied from the run's migrated template. */
export async function createTestDatabase(
  adminUrl: string,
  template: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `tessera_test_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, (client) =>
    client.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`),
  );
  return { url: databaseUrl(adminUrl, name), name, drop: () => dropDatabase(adminUrl, name) };
}
