import type { Job, Processors } from '@tessera/queue';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrowserJobWorker } from '../src/BrowserJobWorker';
import { createTestDatabase, newUserId, readJob, userClient, type TestDatabase } from './support/database';
import { FakeLockManager } from './support/FakeLockManager';
import { advance, flushUntil, settle, useFakeClock } from './support/flush';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

const tabs: BrowserJobWorker[] = [];
afterEach(async () => {
  await Promise.all(tabs.splice(0).map((tab) => tab.stop({ graceMs: 0 })));
  vi.useRealTimers();
});

const echo: Processors = { 'demo.echo': async (job: Job<{ n?: number }>) => ({ echoed: job.payload.n ?? null }) };

function openTab(userId: string, options: { locks?: FakeLockManager } = {}) {
  const { client, transport } = userClient(db, userId);
  const worker = new BrowserJobWorker(client, { userId, processors: echo, ...options });
  tabs.push(worker);
  return { worker, transport };
}

function enqueue(userId: string) {
  return userClient(db, userId).client.enqueue({ jobType: 'demo.echo', payload: {} });
}

async function waitForCompleted(id: string) {
  await flushUntil(async () => (await readJob(db, id)).status === 'completed');
}

interface Row {
  worker_id: string;
  kind: string;
  user_id: string;
  job_types: string[];
  version: string;
  running: number;
  processed: number;
  failed: number;
}

async function workerRows(userId: string): Promise<Row[]> {
  const { rows } = await db.query<Row>(
    `select worker_id, kind, user_id, job_types, version, running, processed::int, failed::int
       from public.queue_workers where user_id = $1`,
    [userId],
  );
  return rows;
}

describe('BrowserJobWorker: presence in queue_workers', () => {
  it('reports right after work (kind browser, the user, counts), then nothing in an idle hour', async () => {
    useFakeClock();
    const userId = newUserId();
    const { worker, transport } = openTab(userId);
    worker.start();
    await flushUntil(() => worker.getSnapshot().pushConnected);
    await settle();
    // Idle: no report at start, nor while push and polls find nothing.
    expect(transport.count('worker_heartbeat')).toBe(0);

    const job = await enqueue(userId);
    worker.wake();
    await waitForCompleted(job.id);
    await flushUntil(() => worker.getSnapshot().processed === 1);
    // One report when the claim returned the job, one when the worker fell idle again.
    await flushUntil(async () => (await workerRows(userId))[0]?.processed === 1);
    expect(transport.count('worker_heartbeat')).toBe(2);
    expect(await workerRows(userId)).toEqual([
      expect.objectContaining({ kind: 'browser', user_id: userId, job_types: ['demo.echo'], running: 0, processed: 1, failed: 0 }),
    ]);
    expect((await workerRows(userId))[0]!.version).toMatch(/^queue-react@\d/);

    await settle();
    const before = transport.count();
    await advance(3_600_000);
    expect(transport.count()).toBe(before);
  });

  it('throttles: jobs in quick succession make no report per job; a claim after 30 s reports again', async () => {
    useFakeClock();
    const userId = newUserId();
    const { worker, transport } = openTab(userId);
    worker.start();
    await flushUntil(() => worker.getSnapshot().isLeader);
    for (let n = 1; n <= 5; n += 1) {
      const job = await enqueue(userId);
      worker.wake();
      await waitForCompleted(job.id);
      await flushUntil(() => worker.getSnapshot().processed === n);
      await advance(1_000);
    }
    // The first claim and the first fall to idle: later jobs within the 30 s are not reported.
    expect(transport.count('worker_heartbeat')).toBe(2);
    expect((await workerRows(userId))[0]).toMatchObject({ processed: 1, running: 0 });

    await advance(30_000);
    const job = await enqueue(userId);
    worker.wake();
    await waitForCompleted(job.id);
    await flushUntil(async () => (await workerRows(userId))[0]?.processed === 6);
    expect(transport.count('worker_heartbeat')).toBe(4);
  });

  it('a follower tab never reports, and a stopped worker reports nothing more', async () => {
    const userId = newUserId();
    const locks = new FakeLockManager();
    const leader = openTab(userId, { locks });
    const follower = openTab(userId, { locks });
    leader.worker.start();
    await flushUntil(() => leader.worker.getSnapshot().isLeader);
    follower.worker.start();
    const job = await enqueue(userId);
    leader.worker.wake();
    await waitForCompleted(job.id);
    await flushUntil(() => leader.transport.count('worker_heartbeat') === 2);
    expect(follower.transport.count('worker_heartbeat')).toBe(0);

    await leader.worker.stop();
    await follower.worker.stop();
    const calls = leader.transport.count('worker_heartbeat');
    const next = await enqueue(userId);
    leader.worker.wake();
    await settle(200);
    expect((await readJob(db, next.id)).status).toBe('pending');
    expect(leader.transport.count('worker_heartbeat')).toBe(calls);
    expect(await workerRows(userId)).toHaveLength(1);
  });
});
