// Applies the schema (supabase/local shims + migrations, in order) to DATABASE_URL; with --seed,
// also supabase/seed.sql. For local Postgres only: a Supabase project takes `supabase db push`.
//   pnpm db:apply [--seed]   (from the repository root)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { applySqlFiles } from '@tessera/queue';
import { readSchemaFiles, SUPABASE_DIR } from '@tessera/queue/sql';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const files = readSchemaFiles();
  await applySqlFiles((sql) => client.query(sql), files);
  if (process.argv.includes('--seed')) await client.query(readFileSync(join(SUPABASE_DIR, 'seed.sql'), 'utf8'));
  console.log(`applied ${files.length} schema files${process.argv.includes('--seed') ? ' and the seed' : ''}`);
} finally {
  await client.end();
}
