import { fileURLToPath } from 'node:url';
import { applySqlFiles, QueueClient } from '@tessera/queue';
import { PgTransport } from '@tessera/queue/pg';
import { readSchemaFiles } from '@tessera/queue/sql';
import { withClient } from '../database';
import type { BenchSystem } from './system';

const CLI = fileURLToPath(new URL('../../../../apps/worker/bin/tessera-worker.mjs', import.meta.url));
const PROCESSORS = fileURLToPath(new URL('./tesseraProcessors.ts', import.meta.url));

/** The settings the bench runs `tessera-worker` with: its defaults for --concurrency 10. */
export const TESSERA_FLAGS = ['--concurrency', '10', '--log-level', 'warn'];

async function withQueue<T>(url: string, use: (queue: QueueClient) => Promise<T>): Promise<T> {
  const transport = new PgTransport({ connectionString: url, max: 2 });
  try {
    return await use(new QueueClient(transport));
  } finally {
    await transport.close();
  }
}

export const tessera: BenchSystem = {
  id: 'tessera',
  label: 'Tessera (tessera-worker)',
  version: '0.1.0',
  settings: { cli: `tessera-worker ${TESSERA_FLAGS.join(' ')}`, prefetch: 20, batchSize: 100, batchDelayMs: 5, wakeUp: 'LISTEN/NOTIFY' },
  install: (url) => withClient(url, (client) => applySqlFiles((sql) => client.query(sql), readSchemaFiles())),
  enqueueBulk: (url, count) =>
    withQueue(url, async (queue) => {
      for (let done = 0; done < count; done += 5_000) {
        await queue.enqueueMany(Array.from({ length: Math.min(5_000, count - done) }, () => ({ jobType: 'noop' })));
      }
    }),
  remaining: async (client) =>
    Number((await client.query(`select count(*) as n from public.job_queue where status <> 'completed'`)).rows[0].n),
  openSender: async (url) => {
    const transport = new PgTransport({ connectionString: url, max: 1 });
    const queue = new QueueClient(transport);
    return {
      send: async (sentAt) => void (await queue.enqueue({ jobType: 'noop', payload: { sentAt } })),
      close: () => transport.close(),
    };
  },
  // Workers start with the queue paused and are all listening when it resumes: no process
  // gets a head start from starting first.
  beforeSpawn: (url) => withQueue(url, (queue) => queue.pause()),
  go: (url) => withQueue(url, (queue) => queue.resume()),
  workerCommand: (url) => ({
    args: [CLI, '--database-url', url, ...TESSERA_FLAGS, '--processors', PROCESSORS],
    // Required by tessera-worker (certificate links); the bench renders no certificates.
    env: { PUBLIC_APP_URL: process.env.PUBLIC_APP_URL ?? 'http://127.0.0.1:5173' },
  }),
};
