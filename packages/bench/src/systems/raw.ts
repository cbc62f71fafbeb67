import { fileURLToPath } from 'node:url';
import { withClient } from '../database';
import type { BenchSystem } from './system';

const CHILD = fileURLToPath(new URL('../peerWorker.ts', import.meta.url));

/** The ceiling: a bare table and the textbook skip-locked loop, no queue features at all. */
export const rawLoop: BenchSystem = {
  id: 'raw',
  label: 'raw skip-locked loop',
  version: '-',
  settings: { clients: 10, claim: 10, complete: 'one update per claimed batch' },
  install: (url) =>
    withClient(url, async (client) => {
      await client.query(`create table raw_jobs (
        id bigint generated always as identity primary key,
        status text not null default 'pending',
        payload jsonb not null default '{}',
        locked_at timestamptz)`);
      await client.query(`create index raw_jobs_pending_idx on raw_jobs (id) where status = 'pending'`);
    }),
  enqueueBulk: (url, count) =>
    withClient(url, (client) => client.query(`insert into raw_jobs (payload) select '{}' from generate_series(1, $1)`, [count])).then(
      () => undefined,
    ),
  remaining: async (client) => Number((await client.query(`select count(*) as n from raw_jobs where status <> 'done'`)).rows[0].n),
  workerCommand: (url) => ({ args: ['--import', 'tsx', CHILD, 'raw', url] }),
};
