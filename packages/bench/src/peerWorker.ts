// One worker process of a peer system (graphile-worker, pg-boss, the raw loop), started by the
// bench: `node --import tsx peerWorker.ts <system> <database url>`. It says `ready`, starts on
// `go`, reports through jobSink, and stops on SIGTERM.
import pg from 'pg';
import { run } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import { GRAPHILE_BATCHING, quietLogger } from './systems/graphile';
import { jobStarted } from './systems/jobSink';
import { PGBOSS_CONSTRUCTOR, PGBOSS_WORK, QUEUE } from './systems/pgboss';

type Stop = () => Promise<void>;

async function startGraphile(url: string, batched: boolean): Promise<Stop> {
  const runner = await run({
    connectionString: url,
    concurrency: 10,
    pollInterval: 1000,
    noHandleSignals: true,
    logger: quietLogger,
    taskList: { noop: async (payload) => jobStarted(payload) },
    ...(batched ? { preset: { worker: GRAPHILE_BATCHING } } : {}),
  });
  return () => runner.stop();
}

async function preparePgBoss(url: string): Promise<() => Promise<Stop>> {
  const boss = new PgBoss({ connectionString: url, ...PGBOSS_CONSTRUCTOR });
  boss.on('error', (error) => console.error('pg-boss:', error.message));
  await boss.start();
  return async () => {
    await boss.work(QUEUE, PGBOSS_WORK, async (jobs: Array<{ data: unknown }>) => {
      for (const job of jobs) jobStarted(job.data);
    });
    return () => boss.stop({ graceful: true, timeout: 10_000 });
  };
}

const RAW_CLAIM = `update raw_jobs set status = 'running', locked_at = now()
  where id in (select id from raw_jobs where status = 'pending' order by id limit 10 for update skip locked)
  returning id, payload`;

function startRaw(url: string): Stop {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  let running = true;
  const loop = async () => {
    while (running) {
      const { rows } = await pool.query<{ id: string; payload: unknown }>(RAW_CLAIM);
      if (rows.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      for (const row of rows) jobStarted(row.payload);
      await pool.query(`update raw_jobs set status = 'done' where id = any ($1)`, [rows.map((row) => row.id)]);
    }
  };
  const loops = Array.from({ length: 10 }, loop);
  return async () => {
    running = false;
    await Promise.allSettled(loops);
    await pool.end();
  };
}

async function main(): Promise<void> {
  const [system, url] = process.argv.slice(2);
  if (!system || !url) throw new Error('usage: peerWorker.ts <graphile|graphile-batched|pg-boss|raw> <database url>');
  const startPgBoss = system === 'pg-boss' ? await preparePgBoss(url) : undefined;
  await new Promise<void>((resolve) => {
    process.on('message', (message: { type?: string }) => {
      if (message.type === 'go') resolve();
    });
    process.send?.({ type: 'ready' });
  });
  let stop: Stop;
  if (system === 'graphile' || system === 'graphile-batched') stop = await startGraphile(url, system === 'graphile-batched');
  else if (startPgBoss) stop = await startPgBoss();
  else if (system === 'raw') stop = startRaw(url);
  else throw new Error(`unknown system ${system}`);
  process.once('SIGTERM', () => {
    void stop().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
