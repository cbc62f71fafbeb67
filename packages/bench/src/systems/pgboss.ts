import { fileURLToPath } from 'node:url';
import { PgBoss } from 'pg-boss';
import { installedVersion, type BenchSystem } from './system';

const CHILD = fileURLToPath(new URL('../peerWorker.ts', import.meta.url));
const version = installedVersion('pg-boss');

/** pg-boss at its fastest here: LISTEN/NOTIFY on (instance and queue), batches of 10, bursting while full. */
export const PGBOSS_CONSTRUCTOR = { useListenNotify: true };
export const PGBOSS_WORK = { batchSize: 10, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5 };
export const QUEUE = 'noop';

async function withBoss<T>(url: string, use: (boss: PgBoss) => Promise<T>): Promise<T> {
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, max: 2 });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    return await use(boss);
  } finally {
    await boss.stop({ graceful: false });
  }
}

export const pgboss: BenchSystem = {
  id: 'pg-boss',
  label: 'pg-boss, notify + batch',
  version,
  settings: { constructor: PGBOSS_CONSTRUCTOR, queue: { notify: true }, work: PGBOSS_WORK },
  install: (url) => withBoss(url, (boss) => boss.createQueue(QUEUE, { notify: true })),
  enqueueBulk: (url, count) =>
    withBoss(url, async (boss) => {
      for (let done = 0; done < count; done += 5_000) {
        await boss.insert(QUEUE, Array.from({ length: Math.min(5_000, count - done) }, () => ({ data: {} })));
      }
    }),
  remaining: async (client) =>
    Number((await client.query(`select count(*) as n from pgboss.job where state <> 'completed'`)).rows[0].n),
  openSender: async (url) => {
    const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, max: 1 });
    boss.on('error', () => undefined);
    await boss.start();
    return {
      send: async (sentAt) => void (await boss.send(QUEUE, { sentAt })),
      close: () => boss.stop({ graceful: false }),
    };
  },
  workerCommand: (url) => ({ args: ['--import', 'tsx', CHILD, 'pg-boss', url] }),
};
