import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceMode } from '../../packages/queue/src/rpc/admin';
import { applySqlFiles } from '../../packages/queue/src/sql/apply';
import { readSchemaFiles } from '../../packages/queue/src/sql/files';
import { PgTransport } from '../../packages/queue/src/transports/pg';
import { MaintenanceRunner } from '../../packages/queue/src/worker/MaintenanceRunner';

// The pg_cron path of 0012 needs a server with pg_cron in shared_preload_libraries, which the
// shared test server (5432) does not have: scripts/setup-pg-cron.sh makes one on 5439.
// (Connections go through PgTransport's pool: `pg` resolves from packages/queue, not from here.)
const CRON_URL = process.env.TESSERA_PG_CRON_URL ?? 'postgres://postgres@127.0.0.1:5439/postgres';

async function findCronServer(): Promise<{ cronDatabase: string } | { reason: string }> {
  const probe = new PgTransport({ connectionString: CRON_URL, max: 1 });
  (probe.pool.options as { connectionTimeoutMillis?: number }).connectionTimeoutMillis = 2_000;
  try {
    const { rows } = await probe.pool.query<{ preload: string; database: string | null }>(
      `select current_setting('shared_preload_libraries') as preload,
              current_setting('cron.database_name', true) as database`,
    );
    if (!rows[0]?.preload.includes('pg_cron') || !rows[0].database) {
      return { reason: `${CRON_URL} answers but does not preload pg_cron (run scripts/setup-pg-cron.sh)` };
    }
    return { cronDatabase: rows[0].database };
  } catch (error) {
    return { reason: `no pg_cron server at ${CRON_URL} (${(error as Error).message}); run scripts/setup-pg-cron.sh` };
  } finally {
    await probe.close().catch(() => undefined);
  }
}

const server = await findCronServer();
if ('reason' in server) console.warn(`[tessera tests] pg_cron tests skipped: ${server.reason}`);

function urlOf(database: string): string {
  const url = new URL(CRON_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

describe.skipIf('reason' in server)(`0012 with pg_cron (${CRON_URL})`, () => {
  const cronDatabase = 'cronDatabase' in server ? server.cronDatabase : '';
  let service: PgTransport;
  const db = { query: <T>(text: string, values?: unknown[]) => service.pool.query<T & object>(text, values) };

  beforeAll(async () => {
    // pg_cron works in its cron.database_name only, so that database is rebuilt in place:
    // dropping it would stop pg_cron's scheduler until the server restarts.
    service = new PgTransport({ connectionString: urlOf(cronDatabase), max: 2 });
    await db.query(`drop extension if exists pg_cron cascade;
                    drop schema if exists tessera, auth cascade;
                    drop schema if exists public cascade;
                    create schema public;`);
    await applySqlFiles((sql) => db.query(sql), readSchemaFiles());
  });

  afterAll(async () => {
    // Leave nothing running every minute once the tests are done.
    await db.query(`select cron.unschedule(jobname) from cron.job where jobname like 'tessera-%'`).catch(() => undefined);
    await service?.close();
  });

  const scheduled = async () =>
    (
      await db.query<{ jobname: string; schedule: string; command: string; database: string }>(
        `select jobname, schedule, command, database from cron.job where jobname like 'tessera-%' order by jobname`,
      )
    ).rows;

  it('schedules requeue_stalled every minute, cleanup_jobs and prune_workers (0024) daily, in this database', async () => {
    expect(await scheduled()).toEqual([
      {
        jobname: 'tessera-cleanup-jobs',
        schedule: '17 3 * * *',
        command: `select public.cleanup_jobs(interval '7 days')`,
        database: cronDatabase,
      },
      {
        jobname: 'tessera-prune-workers',
        schedule: '23 3 * * *',
        command: 'select tessera.prune_workers()',
        database: cronDatabase,
      },
      {
        jobname: 'tessera-requeue-stalled',
        schedule: '* * * * *',
        command: 'select public.requeue_stalled()',
        database: cronDatabase,
      },
    ]);
  });

  it('applying 0012 again changes nothing', async () => {
    const migration = readSchemaFiles().filter((file) => file.name.startsWith('migrations/0012_'));
    expect(migration).toHaveLength(1);
    await applySqlFiles((sql) => db.query(sql), migration);
    expect((await scheduled()).map((job) => job.jobname)).toEqual([
      'tessera-cleanup-jobs',
      'tessera-prune-workers',
      'tessera-requeue-stalled',
    ]);
  });

  it('tells Node workers that pg_cron does the maintenance', async () => {
    expect(await maintenanceMode(service)).toBe('pg_cron');
    const runner = new MaintenanceRunner({ transport: service });
    expect(await runner.runOnce()).toEqual({ kind: 'pg_cron' });
  });

  it(
    'pg_cron itself requeues a job whose worker died (waits for the next minute)',
    async () => {
      const {
        rows: [job],
      } = await db.query<{ id: string }>(
        `insert into public.job_queue (job_type, status, attempts, locked_by, locked_until, started_at)
         values ('cron.probe', 'processing', 1, 'dead-worker', now() - interval '1 minute', now())
         returning id`,
      );
      await expect
        .poll(
          async () =>
            (await db.query<{ status: string }>('select status from public.job_queue where id = $1', [job!.id])).rows[0]
              ?.status,
          { timeout: 80_000, interval: 1_000 },
        )
        .toBe('pending');
      const { rows: runs } = await db.query<{ status: string }>(
        `select d.status from cron.job_run_details d join cron.job j using (jobid)
          where j.jobname = 'tessera-requeue-stalled' order by d.start_time desc limit 1`,
      );
      expect(runs[0]?.status).toBe('succeeded');
    },
    90_000,
  );
});
