import type { Job, JobContext, Processors } from '@tessera/queue';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrowserJobWorker, type BrowserJobWorkerOptions } from '../src/BrowserJobWorker';
import type { PushSource } from '../src/PushSource';
import { TabChannel } from '../src/TabChannel';
import {
  createTestDatabase,
  newUserId,
  readJob,
  userClient,
  type CountingTransport,
  type TestDatabase,
} from './support/database';
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

/** A browser tab of `userId`: its own counted transport and a BrowserJobWorker over it. */
function openTab(userId: string, options: Partial<BrowserJobWorkerOptions> = {}) {
  const { client, transport } = userClient(db, userId);
  const worker = new BrowserJobWorker(client, { userId, processors: echo, ...options });
  tabs.push(worker);
  return { worker, transport, client };
}

/** Enqueues as the user through a transport nobody counts (another device, or the test itself). */
function enqueue(userId: string, input: { jobType?: string; runAt?: Date; payload?: Record<string, unknown> } = {}) {
  const { client } = userClient(db, userId);
  return client.enqueue({ jobType: input.jobType ?? 'demo.echo', payload: input.payload ?? {}, runAt: input.runAt });
}

async function waitForStatus(id: string, status: string) {
  await flushUntil(async () => (await readJob(db, id)).status === status);
}

/** A PushSource the test connects, disconnects and notifies by hand. */
function manualPush() {
  let onChange: ((jobType: string) => void) | undefined;
  let onStatus: ((connected: boolean) => void) | undefined;
  const source: PushSource = {
    subscribe(change, status) {
      onChange = change;
      onStatus = status;
      return () => {
        onChange = onStatus = undefined;
      };
    },
  };
  return {
    source,
    connect: () => onStatus?.(true),
    disconnect: () => onStatus?.(false),
    notify: (jobType: string) => onChange?.(jobType),
  };
}

function settledIdle(worker: BrowserJobWorker, transport: CountingTransport) {
  return flushUntil(() => worker.getSnapshot().state === 'idle' && transport.count('next_run_at') > 0);
}

describe('BrowserJobWorker: leadership', () => {
  it('leads alone where the browser has no Web Locks (jsdom) and runs jobs end to end', async () => {
    const userId = newUserId();
    const { worker } = openTab(userId);
    expect(worker.getSnapshot()).toMatchObject({ state: 'paused', isLeader: false });
    worker.start();
    expect(worker.getSnapshot().isLeader).toBe(true);
    const job = await enqueue(userId, { payload: { n: 7 } });
    await waitForStatus(job.id, 'completed');
    await flushUntil(() => worker.getSnapshot().processed === 1);
    expect(worker.getSnapshot()).toMatchObject({ state: 'idle', isLeader: true, processed: 1, failed: 0 });
  });

  it('elects one leader among the tabs of a user; followers make no RPC at all', async () => {
    const userId = newUserId();
    const locks = new FakeLockManager();
    const a = openTab(userId, { locks });
    const b = openTab(userId, { locks });
    a.worker.start();
    await flushUntil(() => a.worker.getSnapshot().isLeader);
    b.worker.start();
    await settle();
    expect(b.worker.getSnapshot()).toMatchObject({ isLeader: false, state: 'idle' });

    const jobs = [await enqueue(userId, { payload: { n: 1 } }), await enqueue(userId, { payload: { n: 2 } })];
    TabChannel.forUser(userId).post({ type: 'enqueued', jobType: 'demo.echo' });
    for (const job of jobs) await waitForStatus(job.id, 'completed');
    await settle();
    expect(a.worker.getSnapshot().processed).toBe(2);
    expect(b.transport.count()).toBe(0);
    expect(b.worker.getSnapshot().processed).toBe(0);
  });

  it('hands over to the next tab when the leader stops', async () => {
    const userId = newUserId();
    const locks = new FakeLockManager();
    const a = openTab(userId, { locks });
    const b = openTab(userId, { locks });
    a.worker.start();
    await flushUntil(() => a.worker.getSnapshot().isLeader);
    b.worker.start();
    await settle();

    await a.worker.stop();
    const aCalls = a.transport.count();
    await flushUntil(() => b.worker.getSnapshot().isLeader);
    const job = await enqueue(userId);
    await waitForStatus(job.id, 'completed');
    await flushUntil(() => b.worker.getSnapshot().processed === 1);
    expect(a.transport.count()).toBe(aCalls);
    expect(a.worker.getSnapshot()).toMatchObject({ state: 'paused', isLeader: false });
  });

  it('a job waiting while no tab led is run by the tab that takes over', async () => {
    const userId = newUserId();
    const locks = new FakeLockManager();
    const a = openTab(userId, { locks, push: false, intervalMs: Infinity });
    const b = openTab(userId, { locks, push: false, intervalMs: Infinity });
    a.worker.start();
    await flushUntil(() => a.worker.getSnapshot().isLeader);
    b.worker.start();
    await settledIdle(a.worker, a.transport);
    const job = await enqueue(userId); // nobody is told
    await a.worker.stop();
    await waitForStatus(job.id, 'completed');
    expect(b.worker.getSnapshot()).toMatchObject({ isLeader: true, processed: 1 });
  });

  it('runs the job a closed tab left leased once its lease ends, without polling', async () => {
    useFakeClock();
    const userId = newUserId();
    const job = await enqueue(userId);
    // The tab that closed mid-job: its Web Lock went with it, its lease stays until it ends.
    const [claimed] = await userClient(db, userId).client.claim({ workerId: 'closed-tab', leaseSeconds: 60 });
    expect(claimed?.id).toBe(job.id);

    const { worker, transport } = openTab(userId, { intervalMs: 10_000 });
    worker.start();
    await flushUntil(() => worker.getSnapshot().pushConnected);
    await settledIdle(worker, transport);
    await flushUntil(() => transport.count('list_jobs') === 1);
    await settle();
    const claims = transport.count('claim_jobs');

    await advance(59_000, 1_000);
    expect(transport.count('claim_jobs')).toBe(claims);
    expect((await readJob(db, job.id)).status).toBe('processing');
    await advance(1_100, 100);
    await waitForStatus(job.id, 'completed');
    expect(worker.getSnapshot().processed).toBe(1);
  });

  it('survives start, stop, start (React StrictMode) and runs each job once', async () => {
    const userId = newUserId();
    const locks = new FakeLockManager();
    const runs: string[] = [];
    const { worker } = openTab(userId, {
      locks,
      processors: { 'demo.echo': (job: Job) => void runs.push(job.id) },
    });
    worker.start();
    void worker.stop();
    worker.start();
    await flushUntil(() => worker.getSnapshot().isLeader);
    const job = await enqueue(userId);
    worker.wake();
    await waitForStatus(job.id, 'completed');
    expect(runs).toEqual([job.id]);

    await worker.stop();
    const next = openTab(userId, { locks });
    next.worker.start();
    await flushUntil(() => next.worker.getSnapshot().isLeader); // the lock was given back
  });
});

describe('BrowserJobWorker: waking instead of polling', () => {
  it('wakes at once on its own enqueue: no timer, no push needed', async () => {
    useFakeClock();
    const userId = newUserId();
    const { worker, client, transport } = openTab(userId, { push: false, intervalMs: Infinity });
    worker.start();
    await settledIdle(worker, transport);
    const job = await client.enqueue({ jobType: 'demo.echo' });
    worker.wake();
    await waitForStatus(job.id, 'completed'); // the fake clock never moved
    expect(worker.getSnapshot().processed).toBe(1);
  });

  it('wakes the leader when another tab enqueues (BroadcastChannel)', async () => {
    const userId = newUserId();
    const { worker, transport } = openTab(userId, { push: false, intervalMs: Infinity });
    worker.start();
    await settledIdle(worker, transport);
    const job = await enqueue(userId);
    await settle();
    expect((await readJob(db, job.id)).status).toBe('pending');
    TabChannel.forUser(userId).post({ type: 'enqueued', jobType: 'demo.echo' });
    await waitForStatus(job.id, 'completed');
  });

  it('wakes on push, for its own job types only', async () => {
    const userId = newUserId();
    const push = manualPush();
    const { worker, transport } = openTab(userId, { push: push.source, intervalMs: Infinity });
    worker.start();
    push.connect();
    await settledIdle(worker, transport);
    const claims = transport.count('claim_jobs');
    push.notify('someone.else');
    await settle();
    expect(transport.count('claim_jobs')).toBe(claims);
    const job = await enqueue(userId);
    push.notify('demo.echo');
    await waitForStatus(job.id, 'completed');
  });

  it('wakes when the tab becomes visible and when the browser comes online', async () => {
    const userId = newUserId();
    const { worker, transport } = openTab(userId, { push: false, intervalMs: Infinity });
    worker.start();
    await settledIdle(worker, transport);

    const first = await enqueue(userId);
    await settle();
    expect((await readJob(db, first.id)).status).toBe('pending');
    expect(document.visibilityState).toBe('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await waitForStatus(first.id, 'completed');

    const second = await enqueue(userId);
    await settle();
    expect((await readJob(db, second.id)).status).toBe('pending');
    window.dispatchEvent(new Event('online'));
    await waitForStatus(second.id, 'completed');
  });

  it('makes 0 RPCs in an idle hour while push is connected', async () => {
    useFakeClock();
    const userId = newUserId();
    const { worker, transport } = openTab(userId, { intervalMs: 10_000 }); // push: PGlite LISTEN
    worker.start();
    await flushUntil(() => worker.getSnapshot().pushConnected);
    await settledIdle(worker, transport);
    await settle();
    const before = transport.count();
    expect(transport.count('claim_jobs')).toBeGreaterThanOrEqual(1);
    // On taking the lead: a claim (another when push connects), next_run_at, and one look for leases left by closed tabs.
    expect(transport.calls.filter((fn) => !['claim_jobs', 'next_run_at', 'list_jobs'].includes(fn))).toEqual([]);
    expect(transport.count('list_jobs')).toBe(1);
    expect(before).toBeLessThanOrEqual(5);

    await advance(3_600_000);
    expect(transport.count()).toBe(before);
    expect(worker.getSnapshot()).toMatchObject({ state: 'idle', isLeader: true, pushConnected: true });
  });

  it('polls every intervalMs while no push channel is connected', async () => {
    useFakeClock();
    const userId = newUserId();
    const { worker, transport } = openTab(userId, { push: false, intervalMs: 60_000 });
    worker.start();
    await settledIdle(worker, transport);
    await settle();
    const claims = transport.count('claim_jobs');

    await advance(3_600_000);
    expect(transport.count('claim_jobs') - claims).toBe(60);
  });

  it('polls only while the push channel is down', async () => {
    useFakeClock();
    const userId = newUserId();
    const push = manualPush();
    const { worker, transport } = openTab(userId, { push: push.source, intervalMs: 10_000 });
    worker.start();
    push.connect();
    await settledIdle(worker, transport);
    await settle();
    let claims = transport.count('claim_jobs');
    await advance(600_000);
    expect(transport.count('claim_jobs')).toBe(claims);

    push.disconnect();
    await advance(60_000, 10_000);
    expect(transport.count('claim_jobs') - claims).toBe(6);
    expect(worker.getSnapshot().pushConnected).toBe(false);

    push.connect(); // catches up once on reconnect, then is quiet again
    await settle();
    claims = transport.count('claim_jobs');
    await advance(600_000);
    expect(transport.count('claim_jobs')).toBe(claims);
  });

  it('sleeps until the next run_at of a delayed job instead of polling', async () => {
    useFakeClock();
    const userId = newUserId();
    const { worker, transport } = openTab(userId, { intervalMs: 10_000 });
    worker.start();
    await flushUntil(() => worker.getSnapshot().pushConnected);
    await settledIdle(worker, transport);
    const asked = transport.count('next_run_at');

    const job = await enqueue(userId, { runAt: new Date(Date.now() + 30_000) });
    await flushUntil(() => transport.count('next_run_at') > asked); // woken by the enqueue's push
    await settle();
    const claims = transport.count('claim_jobs');

    await advance(29_900, 100);
    expect((await readJob(db, job.id)).status).toBe('pending');
    expect(transport.count('claim_jobs')).toBe(claims);

    await advance(200, 100);
    await waitForStatus(job.id, 'completed');
    expect(transport.count('claim_jobs')).toBeGreaterThan(claims);
  });

  it('retries a failed job when its backoff ends, woken by the same alarm', async () => {
    useFakeClock();
    const userId = newUserId();
    let calls = 0;
    const { worker, transport } = openTab(userId, {
      intervalMs: 10_000,
      processors: {
        'demo.echo': () => {
          calls += 1;
          if (calls === 1) throw new Error('flaky');
          return { ok: true };
        },
      },
    });
    worker.start();
    await flushUntil(() => worker.getSnapshot().pushConnected);
    await settledIdle(worker, transport);
    const job = await enqueue(userId);
    worker.wake();
    await flushUntil(async () => (await readJob(db, job.id)).error_message === 'flaky');
    await settle();
    const claims = transport.count('claim_jobs');
    expect((await readJob(db, job.id)).status).toBe('pending');

    await advance(3_000, 100); // the first backoff is 1.5–2.5 s
    await waitForStatus(job.id, 'completed');
    expect(worker.getSnapshot()).toMatchObject({ processed: 1, failed: 1 });
    expect(transport.count('claim_jobs') - claims).toBeLessThanOrEqual(2); // the alarm's claim (+ the drain check)
  });
});

describe('BrowserJobWorker: stopping', () => {
  function gated() {
    let open: () => void = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    const signals: AbortSignal[] = [];
    const processors: Processors = {
      'demo.echo': async (_job: Job, { signal }: JobContext) => {
        signals.push(signal);
        await new Promise<void>((resolve, reject) => {
          void opened.then(resolve);
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        });
        return { ok: true };
      },
    };
    return { open, signals, processors };
  }

  it('lets a running job finish within the grace period, then makes no RPC', async () => {
    const userId = newUserId();
    const gate = gated();
    const { worker, transport } = openTab(userId, { processors: gate.processors });
    worker.start();
    const job = await enqueue(userId);
    worker.wake();
    await flushUntil(() => worker.getSnapshot().state === 'processing');

    const stopped = worker.stop({ graceMs: 10_000 });
    gate.open();
    await stopped;
    expect((await readJob(db, job.id)).status).toBe('completed');
    const calls = transport.count();

    const next = await enqueue(userId); // a push, a message, an event: none may reach the database now
    TabChannel.forUser(userId).post({ type: 'enqueued' });
    window.dispatchEvent(new Event('online'));
    worker.wake();
    await settle(200);
    expect(transport.count()).toBe(calls);
    expect((await readJob(db, next.id)).status).toBe('pending');
    expect(worker.getSnapshot()).toMatchObject({ state: 'paused', processed: 1 });
  });

  it('releases a job still running when the grace period ends', async () => {
    const userId = newUserId();
    const gate = gated();
    const { worker, transport } = openTab(userId, { processors: gate.processors });
    worker.start();
    const job = await enqueue(userId);
    worker.wake();
    await flushUntil(() => worker.getSnapshot().state === 'processing');

    await worker.stop({ graceMs: 0 });
    expect(gate.signals[0]?.aborted).toBe(true);
    expect(await readJob(db, job.id)).toMatchObject({ status: 'pending', attempts: 0 });
    const calls = transport.count();
    await settle(200);
    expect(transport.count()).toBe(calls);
  });
});
