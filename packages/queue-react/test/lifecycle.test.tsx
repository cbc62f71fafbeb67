import { JobWorker, type Job, type LifecycleEvent, type Processors } from '@tessera/queue';
import { act, cleanup, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useJob, type UseJobOptions } from '../src/useJob';
import { useJobWorker, type UseJobWorkerOptions } from '../src/useJobWorker';
import { useJobWorkerEvents } from '../src/workerEvents';
import { createTestDatabase, newUserId, userClient, type TestDatabase } from './support/database';
import { settle } from './support/flush';
import { actUntil, renderTab } from './support/tab';

// Lifecycle callbacks in React: useJobWorker({ onCompleted, ... }) for the jobs this tab runs,
// useJobWorkerEvents beside it, and useJob(id, { onDone }) from the query data, whoever ran the job.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  cleanup();
  await act(() => settle(100));
});

const text = (element: HTMLElement) => element.textContent ?? '';

function Worker(props: UseJobWorkerOptions) {
  const worker = useJobWorker(props);
  return <p data-testid="worker">{`${worker.state} ${worker.isLeader ? 'leader' : 'follower'}`}</p>;
}

function Watch({ id, onDone }: { id: string } & UseJobOptions) {
  const job = useJob(id, { onDone });
  return <p data-testid="job">{job.data?.status ?? 'loading'}</p>;
}

function Beside({ heard }: { heard: string[] }) {
  useJobWorkerEvents({
    onRetrying: (event) => heard.push(`retrying ${event.job.attempts}`),
    onFailed: (event) => heard.push(`failed ${event.job.attempts}`),
  });
  return null;
}

const makeDue = (id: string) => db.query('update public.job_queue set run_at = now() where id = $1', [id]);

describe('lifecycle callbacks', () => {
  it('useJobWorker calls the latest onCompleted / onRetrying / onFailed; the tab hears them too', async () => {
    const userId = newUserId();
    const calls: string[] = [];
    const heard: string[] = [];
    const processors: Processors = {
      'life.ok': () => ({ ok: true }),
      'life.flaky': (job: Job) => {
        throw new Error(`boom ${job.attempts}`);
      },
    };
    const ui = (tag: string) => (
      <>
        <Worker
          processors={processors}
          onCompleted={(event) => calls.push(`${tag} completed ${event.job.jobType}`)}
          onRetrying={(event) => calls.push(`${tag} retrying ${event.error} at ${event.retryAt ? 'known' : '?'}`)}
          onFailed={(event) => calls.push(`${tag} failed ${event.error}`)}
        />
        <Beside heard={heard} />
      </>
    );
    const tab = renderTab(db, userId, ui('first'));
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')) === 'idle leader');
    // New callbacks on a re-render replace the old ones without a new worker.
    tab.rerenderWith(ui('second'));

    await tab.client.enqueue({ jobType: 'life.ok' });
    await actUntil(() => calls.length === 1);
    expect(calls).toEqual(['second completed life.ok']);

    const flaky = await tab.client.enqueue({ jobType: 'life.flaky', maxAttempts: 2 });
    await actUntil(() => calls.length === 2);
    expect(calls[1]).toBe('second retrying boom 1 at known');
    await makeDue(flaky.id);
    await tab.client.enqueue({ jobType: 'life.ok' }); // its notification wakes the worker
    await actUntil(() => calls.includes('second failed boom 2'));
    expect(heard).toEqual(['retrying 1', 'failed 2']);
    expect(calls.filter((call) => call.startsWith('first'))).toEqual([]);
  });

  it('useJob onDone fires once when another worker completes the job', async () => {
    const userId = newUserId();
    const { client } = userClient(db, userId);
    const job = await client.enqueue({ jobType: 'life.server' });
    const done: Job[] = [];
    const tab = renderTab(db, userId, <Watch id={job.id} onDone={(finished) => done.push(finished)} />);
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('job')) === 'pending');

    // A worker outside this tab (a server worker, here a plain JobWorker as the same user).
    const other = new JobWorker(userClient(db, userId).client, {
      processors: { 'life.server': () => ({ by: 'server' }) },
      listen: false,
      intervalMs: Infinity,
    }).start();
    await other.whenIdle();
    await other.stop();
    expect(text(view.getByTestId('job'))).toBe('pending'); // nothing has told the page yet
    // What Supabase Realtime delivers on the changes feed (0010's broadcast); PGlite has no such
    // trigger, so the test sends the same message with NOTIFY, which the tab LISTENs to here.
    await db.query(`select pg_notify('tessera_job_changes', $1)`, [JSON.stringify({ id: job.id, status: 'completed' })]);
    await actUntil(() => text(view.getByTestId('job')) === 'completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ id: job.id, status: 'completed', result: { by: 'server' } });

    // Later refetches of the same finished job do not fire again.
    await act(() => tab.queryClient.invalidateQueries());
    await act(() => settle(50));
    expect(done).toHaveLength(1);
  });

  it('useJob onDone does not fire for a job already finished when first loaded', async () => {
    const userId = newUserId();
    const { client } = userClient(db, userId);
    const job = await client.enqueue({ jobType: 'life.cancel' });
    await client.cancel(job.id);
    const done: Job[] = [];
    const tab = renderTab(db, userId, <Watch id={job.id} onDone={(finished) => done.push(finished)} />);
    await actUntil(() => text(within(tab.container).getByTestId('job')) === 'cancelled');
    await act(() => settle(50));
    expect(done).toEqual([]);
  });

  it('a throwing callback becomes the worker error, and the worker keeps going', async () => {
    const userId = newUserId();
    const events: LifecycleEvent[] = [];
    function Line() {
      const worker = useJobWorker({
        processors: { 'life.ok': () => null },
        onCompleted: (event) => {
          events.push(event);
          throw new Error('toast broke');
        },
      });
      return <p data-testid="worker">{`${worker.state} ${worker.lastError ?? 'none'}`}</p>;
    }
    const tab = renderTab(db, userId, <Line />);
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle'));
    await tab.client.enqueue({ jobType: 'life.ok' });
    await tab.client.enqueue({ jobType: 'life.ok' });
    await actUntil(() => events.length === 2 && text(view.getByTestId('worker')) === 'idle toast broke');
  });
});
