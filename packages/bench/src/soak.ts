// pnpm soak [-- --jobs 100000 --workers 8 --fail-percent 5 --concurrency 20 --time-limit-s 300]
//
// Soak test: real `tessera-worker` processes drain a stream of mixed-priority jobs, some with a
// handler that always throws, on a loopback Postgres in a database of its own (dropped at the
// end). Prints throughput and pickup, then checks every job's final state against the runs its
// handlers logged. Exit 0: all as expected; 1: a violation; 2: aborted (time limit, error).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QueueClient, z, type EnqueueInput } from '@tessera/queue';
import { PgTransport } from '@tessera/queue/pg';
import pg from 'pg';
import { createSoakDatabase, type SoakDatabase } from './soak/soakDatabase';
import { checkFinalStates, FAIL_TYPE, OK_TYPE, readFigures, readJobs, readRuns, type Violation } from './soak/verify';

const CLI = fileURLToPath(new URL('../../../apps/worker/bin/tessera-worker.mjs', import.meta.url));
const PROCESSORS = fileURLToPath(new URL('./soak/soakProcessors.ts', import.meta.url));
const ENQUEUE_BATCH = 5_000;
// The failing handler's jobs: one retry, after the default backoff (2 s ± 25 %). There is no
// per-type backoff setting yet, so few attempts keep the soak short.
const FAIL_MAX_ATTEMPTS = 2;

const optionsSchema = z.object({
  jobs: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  workers: z.coerce.number().int().min(1).max(32).default(8),
  failPercent: z.coerce.number().min(0).max(100).default(5),
  // Larger claims and outcome batches than the CLI default (10): less work per job on 2 cores.
  concurrency: z.coerce.number().int().min(1).max(100).default(20),
  // Bounded: never more than 5 minutes.
  timeLimitS: z.coerce.number().int().min(10).max(300).default(300),
});
type SoakOptions = z.output<typeof optionsSchema>;

function readOptions(): SoakOptions {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      jobs: { type: 'string' },
      workers: { type: 'string' },
      'fail-percent': { type: 'string' },
      concurrency: { type: 'string' },
      'time-limit-s': { type: 'string' },
    },
  });
  const parsed = optionsSchema.safeParse({
    jobs: values.jobs,
    workers: values.workers,
    failPercent: values['fail-percent'],
    concurrency: values.concurrency,
    timeLimitS: values['time-limit-s'],
  });
  if (!parsed.success) throw new Error(`bad options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

class SoakAborted extends Error {}

/** One real worker process; `ready` resolves on its IPC 'ready', `exited` when it ends. */
function startWorker(url: string, index: number, options: SoakOptions, runsDir: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI, '--database-url', url, '--processors', PROCESSORS, '--types', `${OK_TYPE},${FAIL_TYPE}`,
      '--worker-id', `soak-${index}`, '--concurrency', String(options.concurrency), '--log-level', 'error',
      // Few connections each (Postgres allows ~100 in all); a short poll finds retries when due.
      '--pool-size', '5', '--poll-interval-ms', '250', '--lease', '60', '--batch-delay-ms', '10',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: {
        ...process.env,
        TESSERA_SOAK_RUNS_DIR: runsDir,
        // Required by the worker (certificate links); the soak runs no certificate.
        PUBLIC_APP_URL: process.env.PUBLIC_APP_URL ?? 'http://127.0.0.1:5173',
      },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type?: string }) => message.type === 'ready' && resolve());
    void exited.then((code) => reject(new SoakAborted(`worker ${index} exited (${code}) before it was ready:\n${stderr}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    exited,
    stderr: () => stderr,
    /** SIGTERM (graceful stop), then SIGKILL after `graceMs`. */
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** The jobs to enqueue: mixed priority 1–10, exactly `failPercent` % of them failing, shuffled. */
function plan(options: SoakOptions): EnqueueInput[] {
  const failing = Math.round((options.jobs * options.failPercent) / 100);
  const jobs: EnqueueInput[] = Array.from({ length: options.jobs }, (_, i) => ({
    jobType: i < failing ? FAIL_TYPE : OK_TYPE,
    priority: 1 + Math.floor(Math.random() * 10),
    ...(i < failing ? { maxAttempts: FAIL_MAX_ATTEMPTS } : {}),
  }));
  for (let i = jobs.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
  }
  return jobs;
}

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function statusCounts(client: pg.Client): Promise<Record<string, number>> {
  const result = await client.query<{ status: string; n: number }>('select status, count(*)::int as n from public.job_queue group by status');
  return Object.fromEntries(result.rows.map((row) => [row.status, row.n]));
}

async function run(options: SoakOptions, db: SoakDatabase, runsDir: string, aborted: Promise<never>): Promise<Violation[]> {
  const within = <T>(step: Promise<T>) => Promise.race([step, aborted]);
  let workers: Array<ReturnType<typeof startWorker>> = [];
  const watcher = new pg.Client({ connectionString: db.url });
  watcher.on('error', () => undefined);
  const transport = new PgTransport({ connectionString: db.url, max: 2 });
  try {
    await within(watcher.connect());
    const queue = new QueueClient(transport);
    // Paused while the workers load and the jobs go in (both at once, to save time): then every
    // worker starts together on the full backlog, and pickup counts from the resume.
    await within(queue.pause());
    const spawned = performance.now();
    workers = Array.from({ length: options.workers }, (_, i) => startWorker(db.url, i + 1, options, runsDir));
    const jobs = plan(options);
    const enqueueStart = performance.now();
    for (let at = 0; at < jobs.length; at += ENQUEUE_BATCH) await within(queue.enqueueMany(jobs.slice(at, at + ENQUEUE_BATCH)));
    console.log(`  enqueued ${fmt(jobs.length)} jobs in ${fmt((performance.now() - enqueueStart) / 1000, 1)} s (queue paused)`);
    await within(Promise.all(workers.map((worker) => worker.ready)));
    console.log(`  ${workers.length} workers ready ${fmt((performance.now() - spawned) / 1000, 1)} s after their start`);
    // A worker that dies mid-run is a failure of the soak, not something to wait out.
    const crashed = Promise.race(
      workers.map((worker, i) =>
        worker.exited.then((code) => {
          throw new SoakAborted(`worker ${i + 1} exited (${code}) during the run:\n${worker.stderr()}`);
        }),
      ),
    );
    crashed.catch(() => undefined);
    const guarded = <T>(step: Promise<T>) => within(Promise.race([step, crashed]));

    await guarded(queue.resume()); // NOTIFY '*': every worker claims at once
    const started = performance.now();
    const resumedAt = (await guarded(watcher.query<{ at: Date }>('select clock_timestamp() as at'))).rows[0]!.at;

    let lastReport = performance.now();
    for (;;) {
      const counts = await guarded(statusCounts(watcher));
      const final = (counts.completed ?? 0) + (counts.failed ?? 0) + (counts.cancelled ?? 0);
      if (final >= jobs.length) break;
      if (performance.now() - lastReport >= 5_000) {
        lastReport = performance.now();
        console.log(`  ${fmt((performance.now() - started) / 1000, 0)} s: ${fmt(final)} final, ${fmt(counts.processing ?? 0)} processing, ${fmt(counts.pending ?? 0)} pending`);
      }
      await guarded(new Promise((resolve) => setTimeout(resolve, 250)));
    }
    const drainedAt = performance.now();
    // Every outcome is recorded; stop the workers before reading the run files (nothing runs after).
    await within(Promise.all(workers.map((worker) => worker.stop())));

    const figures = await readFigures(watcher, resumedAt);
    const wallSeconds = (drainedAt - started) / 1000;
    console.log(`\nthroughput: ${fmt(jobs.length / figures.processingSeconds)} jobs/s (${fmt(jobs.length)} jobs, resume → last outcome recorded: ${fmt(figures.processingSeconds, 1)} s)`);
    console.log(`            ${fmt(jobs.length / wallSeconds)} jobs/s as the soak saw it (resume → all final, polled: ${fmt(wallSeconds, 1)} s)`);
    console.log(`final:      ${fmt(figures.completed)} completed, ${fmt(figures.failed)} failed (after ${FAIL_MAX_ATTEMPTS} attempts)`);
    console.log('pickup = started_at − max(run_at, resume) of each job\'s last claim, ms (a full backlog: mostly queue wait):');
    for (const band of figures.pickup) {
      console.log(`  ${band.priorities === 'retry' ? 'retries      ' : `priority ${band.priorities.padEnd(4)}`} ${fmt(band.jobs).padStart(8)} jobs   p50 ${fmt(band.p50, 1).padStart(9)}   p99 ${fmt(band.p99, 1).padStart(9)}`);
    }
    return checkFinalStates(await readJobs(watcher), readRuns(runsDir), jobs.length);
  } finally {
    // Already stopped after a full run; after an abort, do not wait long.
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    await transport.close().catch(() => undefined);
    await watcher.end().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  const runsDir = mkdtempSync(join(tmpdir(), 'tessera-soak-'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const aborted = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SoakAborted(`time limit of ${options.timeLimitS} s reached before every job was final: aborted`)),
      options.timeLimitS * 1_000,
    );
  });
  aborted.catch(() => undefined);
  let db: SoakDatabase | undefined;
  try {
    const setup = performance.now();
    db = await Promise.race([createSoakDatabase(), aborted]);
    console.log(
      `Tessera soak: ${fmt(options.jobs)} jobs (priority 1–10, ${options.failPercent} % failing), ${options.workers} tessera-worker ` +
        `processes × concurrency ${options.concurrency}, Postgres (${db.server.source}) database ${db.name}, limit ${options.timeLimitS} s`,
    );
    console.log(`  database created and migrated in ${fmt((performance.now() - setup) / 1000, 1)} s`);
    const violations = await run(options, db, runsDir, aborted);
    if (violations.length === 0) {
      console.log(`\nOK: every job final exactly as expected (${fmt(options.jobs)} checked against their logged runs)`);
      return 0;
    }
    const byKind = new Map<string, number>();
    for (const violation of violations) byKind.set(violation.kind, (byKind.get(violation.kind) ?? 0) + 1);
    console.error(`\nVIOLATIONS: ${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ')}`);
    for (const violation of violations.slice(0, 20)) console.error(`  ${violation.kind} ${violation.jobId ?? ''}: ${violation.detail}`);
    return 1;
  } catch (error) {
    console.error(`\nsoak aborted: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    clearTimeout(timer);
    await db?.drop().catch((error: unknown) => console.error(`could not drop ${db?.name}: ${String(error)}`));
    rmSync(runsDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
