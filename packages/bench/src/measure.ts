import { createBenchDatabase, withClient } from './database';
import type { BenchSystem } from './systems/system';
import { wallNow } from './systems/system';
import { WorkerProcess, withTimeout } from './workerProcess';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Workers started and told to go (Tessera: its queue resumes once all of them listen). */
async function startWorkers(system: BenchSystem, url: string, count: number): Promise<WorkerProcess[]> {
  await system.beforeSpawn?.(url);
  const workers = Array.from({ length: count }, () => new WorkerProcess(system, url));
  try {
    await withTimeout(Promise.all(workers.map((worker) => worker.ready)), 60_000, `${system.id} workers ready`);
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop(1_000)));
    throw error;
  }
  for (const worker of workers) worker.go();
  await system.go?.(url);
  return workers;
}

export interface DrainResult {
  jobsPerSecond: number;
  drainMs: number;
  enqueueMs: number;
}

/**
 * Enqueue `jobs` in bulk, ANALYZE (untimed), then drain with `processes` worker processes. The
 * clock runs from the first handler start to the moment the database shows every job done.
 */
export async function measureDrain(system: BenchSystem, jobs: number, processes: number): Promise<DrainResult> {
  const db = await createBenchDatabase();
  try {
    await system.install(db.url);
    const enqueueStart = performance.now();
    await system.enqueueBulk(db.url, jobs);
    const enqueueMs = performance.now() - enqueueStart;
    await withClient(db.url, (client) => client.query('analyze'));
    return await withClient(db.url, async (watcher) => {
      const workers = await startWorkers(system, db.url, processes);
      try {
        const handled = () => workers.reduce((sum, worker) => sum + worker.handled, 0);
        await withTimeout(
          new Promise<void>((resolve) => {
            const check = () => handled() >= jobs && resolve();
            for (const worker of workers) worker.onProgress = check;
            check();
          }),
          300_000,
          `${system.id}: ${jobs} jobs handled`,
        );
        // Handlers have run; the drain ends when the last outcome is recorded.
        while ((await system.remaining(watcher)) > 0) await sleep(2);
        const end = wallNow();
        const start = Math.min(...workers.map((worker) => worker.firstStartAt));
        const drainMs = end - start;
        return { jobsPerSecond: jobs / (drainMs / 1000), drainMs, enqueueMs };
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
      }
    });
  } finally {
    await db.drop();
  }
}

export interface PickupResult {
  p50: number;
  p95: number;
  p99: number;
  samples: number;
}

const WARMUP = 5;

/** Enqueue → handler start on an idle queue, one job at a time, with one worker process. */
export async function measurePickup(system: BenchSystem, samples: number): Promise<PickupResult | undefined> {
  if (!system.openSender) return undefined;
  const db = await createBenchDatabase();
  try {
    await system.install(db.url);
    await withClient(db.url, (client) => client.query('analyze'));
    const [worker] = await startWorkers(system, db.url, 1);
    const sender = await system.openSender(db.url);
    try {
      await sleep(500); // every system is idle and listening
      const latencies: number[] = [];
      for (let i = 0; i < samples + WARMUP; i += 1) {
        const sentAt = wallNow();
        const picked = new Promise<number>((resolve) => {
          worker!.onPickup = (sent, startedAt) => sent === sentAt && resolve(startedAt - sent);
        });
        await sender.send(sentAt);
        const latency = await withTimeout(picked, 10_000, `${system.id} pickup`);
        if (i >= WARMUP) latencies.push(latency);
        await sleep(10 + Math.random() * 10);
      }
      return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), samples };
    } finally {
      await sender.close();
      await worker!.stop();
    }
  } finally {
    await db.drop();
  }
}
