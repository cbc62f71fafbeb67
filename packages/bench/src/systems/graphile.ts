import { fileURLToPath } from 'node:url';
import { Logger, makeWorkerUtils, runMigrations } from 'graphile-worker';
import { installedVersion, type BenchSystem } from './system';

const CHILD = fileURLToPath(new URL('../peerWorker.ts', import.meta.url));
const version = installedVersion('graphile-worker');

/** Every system logs at warn or less in the bench; graphile-worker's default logs each job. */
export const quietLogger = new Logger(() => () => undefined);

/** graphile-worker's batching, as its docs suggest: a local queue of concurrency + 1, batched completions. */
export const GRAPHILE_BATCHING = { localQueue: { size: 11 }, completeJobBatchDelay: 25, failJobBatchDelay: 25 };

function graphileSystem(batched: boolean): BenchSystem {
  return {
    id: batched ? 'graphile-batched' : 'graphile',
    label: batched ? 'graphile-worker, batched' : 'graphile-worker, defaults',
    version,
    settings: {
      run: { concurrency: 10, pollInterval: 1000 },
      ...(batched ? { preset: { worker: GRAPHILE_BATCHING } } : {}),
      logger: 'silenced (every system logs at warn or less)',
    },
    install: (url) => runMigrations({ connectionString: url, logger: quietLogger }),
    enqueueBulk: async (url, count) => {
      const utils = await makeWorkerUtils({ connectionString: url, logger: quietLogger });
      try {
        for (let done = 0; done < count; done += 5_000) {
          await utils.addJobs(Array.from({ length: Math.min(5_000, count - done) }, () => ({ identifier: 'noop', payload: {} })));
        }
      } finally {
        await utils.release();
      }
    },
    remaining: async (client) =>
      Number((await client.query('select count(*) as n from graphile_worker._private_jobs')).rows[0].n),
    openSender: async (url) => {
      const utils = await makeWorkerUtils({ connectionString: url, logger: quietLogger });
      return {
        send: async (sentAt) => void (await utils.addJob('noop', { sentAt })),
        close: async () => void (await utils.release()),
      };
    },
    workerCommand: (url) => ({ args: ['--import', 'tsx', CHILD, batched ? 'graphile-batched' : 'graphile', url] }),
  };
}

export const graphile = graphileSystem(false);
export const graphileBatched = graphileSystem(true);
