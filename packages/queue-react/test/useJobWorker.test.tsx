import type { Job, JobContext, Processors } from '@tessera/queue';
import { act, cleanup, fireEvent, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobStatus } from '../src/JobStatus';
import { useEnqueue } from '../src/useEnqueue';
import { useJob } from '../src/useJob';
import { useJobActions } from '../src/useJobActions';
import { useJobs } from '../src/useJobs';
import { useJobWorker, type UseJobWorkerOptions } from '../src/useJobWorker';
import { createTestDatabase, newUserId, readJob, userClient, type TestDatabase } from './support/database';
import { FakeLockManager } from './support/FakeLockManager';
import { nextTurn, settle, useFakeClock } from './support/flush';
import { actUntil, renderTab } from './support/tab';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  cleanup(); // unmounts every tab: their workers stop
  await act(() => settle(100));
  vi.useRealTimers();
  Reflect.deleteProperty(navigator, 'locks');
});

function installWebLocks(): FakeLockManager {
  const locks = new FakeLockManager();
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
  return locks;
}

/** The app's worker line, as a test can read it. */
function WorkerLine(props: UseJobWorkerOptions) {
  const worker = useJobWorker(props);
  return (
    <p data-testid="worker">
      {worker.state} {worker.isLeader ? 'leader' : 'follower'} push={String(worker.pushConnected)} processed=
      {worker.processed} failed={worker.failed}
    </p>
  );
}

/** "Generate certificate" with its status, as the demo app has it. */
function GenerateCertificate() {
  const enqueue = useEnqueue();
  const job = useJob(enqueue.data?.id);
  const { retry } = useJobActions();
  return (
    <div>
      <button type="button" onClick={() => enqueue.mutate({ jobType: 'certificate.render', payload: {} })}>
        Generate certificate
      </button>
      {job.data && (
        <JobStatus
          job={job.data}
          onRetry={(id) => retry.mutate(id)}
          renderDone={(done) => <a href={`/certificates/${done.id}.pdf`}>Download</a>}
        />
      )}
    </div>
  );
}

function JobList() {
  const jobs = useJobs({ limit: 10 });
  return (
    <ul aria-label="My jobs">
      {(jobs.data ?? []).map((job) => (
        <li key={job.id}>{`${job.jobType} ${job.status}`}</li>
      ))}
    </ul>
  );
}

const render = async (job: Job) => ({ pages: 1, jobId: job.id });
const processors: Processors = { 'certificate.render': render };

function gatedProcessors() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  const runs: string[] = [];
  const signals: AbortSignal[] = [];
  const gated: Processors = {
    'certificate.render': async (job: Job, { progress, signal }: JobContext) => {
      runs.push(job.id);
      signals.push(signal);
      progress(40);
      await new Promise<void>((resolve, reject) => {
        void opened.then(resolve);
        signal.addEventListener('abort', () => reject(signal.reason as Error));
      });
      return { pages: 1 };
    },
  };
  return { processors: gated, open, runs, signals };
}

const text = (element: HTMLElement) => element.textContent ?? '';

describe('useJobWorker', () => {
  it('runs a job enqueued with useEnqueue; useJob follows it to Done without polling', async () => {
    const userId = newUserId();
    const gate = gatedProcessors();
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={gate.processors} />
        <GenerateCertificate />
      </>,
    );
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader push=true'));

    await userEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Processing 40%') !== null);
    expect((view.getByRole('progressbar') as HTMLProgressElement).value).toBe(40);
    expect(text(view.getByTestId('worker'))).toContain('processing leader');

    gate.open();
    await actUntil(() => view.queryByText('Done') !== null);
    expect(view.getByRole('link', { name: 'Download' }).getAttribute('href')).toBe(`/certificates/${gate.runs[0]}.pdf`);
    expect(text(view.getByTestId('worker'))).toContain('processed=1 failed=0');

    const reads = tab.transport.count('get_job') + tab.transport.count('list_jobs');
    await act(() => new Promise((resolve) => setTimeout(resolve, 1_000)));
    expect(tab.transport.count('get_job') + tab.transport.count('list_jobs')).toBe(reads);
  });

  it('shows a failed job and runs it again from the Retry button', async () => {
    const userId = newUserId();
    let attempts = 0;
    const failingOnce: Processors = {
      'certificate.render': () => {
        attempts += 1;
        if (attempts === 1) throw new Error('font not found');
        return { pages: 1 };
      },
    };
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={failingOnce} />
        <GenerateCertificate />
      </>,
    );
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader'));
    const { client } = userClient(db, userId);
    const original = client.enqueue.bind(client);
    // One attempt only, so the first failure is final: the enqueue the button makes, with maxAttempts 1.
    tab.client.enqueue = (input) => original({ ...input, maxAttempts: 1 });

    await userEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Failed: font not found') !== null);
    await userEvent.click(view.getByRole('button', { name: 'Retry' }));
    await actUntil(() => view.queryByText('Done') !== null);
    expect(text(view.getByTestId('worker'))).toContain('processed=1 failed=1');
  });

  it('keeps useJobs current by push when a job is added elsewhere', async () => {
    const userId = newUserId();
    const tab = renderTab(db, userId, <JobList />);
    const view = within(tab.container);
    await actUntil(() => tab.transport.count('list_jobs') > 0);
    expect(view.queryAllByRole('listitem')).toHaveLength(0);
    await userClient(db, userId).client.enqueue({ jobType: 'report.export' }); // e.g. from another device
    await actUntil(() => view.queryAllByRole('listitem').length === 1);
    expect(text(view.getByRole('listitem'))).toBe('report.export pending');
  });

  it('elects one leader tab; a follower enqueues, the leader runs it, both see Done; the follower takes over', async () => {
    installWebLocks();
    const userId = newUserId();
    const ui = (
      <>
        <WorkerLine processors={processors} intervalMs={Infinity} />
        <GenerateCertificate />
      </>
    );
    // No push: only the BroadcastChannel between the tabs can carry the news.
    const leader = renderTab(db, userId, ui, { push: false });
    await actUntil(() => text(within(leader.container).getByTestId('worker')).startsWith('idle leader'));
    const follower = renderTab(db, userId, ui, { push: false });
    const followerView = within(follower.container);
    await actUntil(() => text(followerView.getByTestId('worker')).startsWith('idle follower'));

    await userEvent.click(followerView.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => followerView.queryByText('Done') !== null);
    expect(text(within(leader.container).getByTestId('worker'))).toContain('processed=1');
    expect(follower.transport.count('claim_jobs')).toBe(0);

    leader.unmount(); // the tab closes
    await actUntil(() => text(followerView.getByTestId('worker')).startsWith('idle leader'));
    await userEvent.click(followerView.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => text(followerView.getByTestId('worker')).includes('processed=1'));
    await actUntil(() => followerView.queryByText('Done') !== null);
  });

  it('wakes at once on its own enqueue (no push, a huge interval, a clock that never moves)', async () => {
    useFakeClock();
    const userId = newUserId();
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={processors} intervalMs={1e9} />
        <GenerateCertificate />
      </>,
      { push: false },
    );
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader push=false'));
    const claims = tab.transport.count('claim_jobs');
    const started = Date.now();

    fireEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Done') !== null);
    expect(Date.now()).toBe(started);
    expect(tab.transport.count('claim_jobs') - claims).toBeLessThanOrEqual(2); // the claim, and the check that drained
  });

  it('makes 0 RPCs in an idle hour with push connected, queries mounted included', async () => {
    useFakeClock();
    const userId = newUserId();
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={processors} />
        <GenerateCertificate />
        <JobList />
      </>,
    );
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader push=true'));
    fireEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Done') !== null && view.queryByText('certificate.render completed') !== null);
    await act(() => settle(200));
    const before = [...tab.transport.calls];

    for (let minute = 0; minute < 60; minute += 1) {
      await act(() => vi.advanceTimersByTimeAsync(60_000));
      await act(() => settle(20));
    }
    expect(tab.transport.calls).toEqual(before);
    expect(text(view.getByTestId('worker'))).toContain('idle leader push=true');
  });

  it('polls every intervalMs while no push channel is connected', async () => {
    useFakeClock();
    const userId = newUserId();
    const tab = renderTab(db, userId, <WorkerLine processors={processors} intervalMs={60_000} />, { push: false });
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader push=false'));
    await actUntil(() => tab.transport.count('next_run_at') > 0);
    const claims = tab.transport.count('claim_jobs');

    for (let minute = 0; minute < 60; minute += 1) {
      await act(() => vi.advanceTimersByTimeAsync(60_000));
      await act(() => settle(20));
    }
    expect(tab.transport.count('claim_jobs') - claims).toBe(60);
  });

  it('stops cleanly on unmount: the running job is released and no RPC follows', async () => {
    const userId = newUserId();
    const gate = gatedProcessors();
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={gate.processors} graceMs={0} />
        <GenerateCertificate />
      </>,
    );
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader'));
    await userEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Processing 40%') !== null);
    const jobId = gate.runs[0]!;

    tab.unmount();
    await actUntil(async () => (await readJob(db, jobId)).status === 'pending');
    expect(gate.signals[0]?.aborted).toBe(true);
    expect(await readJob(db, jobId)).toMatchObject({ status: 'pending', attempts: 0 }); // the attempt does not count
    await settle(100);
    const calls = tab.transport.count();

    await userClient(db, userId).client.enqueue({ jobType: 'certificate.render' }); // a push nobody may act on
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('visibilitychange'));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(tab.transport.count()).toBe(calls);
  });

  it('stops cleanly on unmount: a job that ends within the grace period completes', async () => {
    const userId = newUserId();
    const gate = gatedProcessors();
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={gate.processors} graceMs={10_000} />
        <GenerateCertificate />
      </>,
    );
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader'));
    await userEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Processing 40%') !== null);
    const jobId = gate.runs[0]!;

    tab.unmount();
    gate.open();
    await actUntil(async () => (await readJob(db, jobId)).status === 'completed');
    await settle(100);
    const calls = tab.transport.count();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tab.transport.count()).toBe(calls);
  });

  it('works under React StrictMode: one leader, each job run once', async () => {
    const locks = installWebLocks();
    const userId = newUserId();
    const gate = gatedProcessors();
    gate.open();
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={gate.processors} />
        <GenerateCertificate />
      </>,
      { strict: true },
    );
    const view = within(tab.container);
    await actUntil(() => text(view.getByTestId('worker')).startsWith('idle leader'));
    await userEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Done') !== null);
    expect(gate.runs).toHaveLength(1);
    const snapshot = await locks.query();
    expect(snapshot.held).toHaveLength(1);
    expect(snapshot.pending).toHaveLength(0);
  });

  it('is paused and makes no RPC while enabled is false', async () => {
    const userId = newUserId();
    const tab = renderTab(
      db,
      userId,
      <>
        <WorkerLine processors={processors} enabled={false} />
        <GenerateCertificate />
      </>,
    );
    const view = within(tab.container);
    expect(text(view.getByTestId('worker'))).toContain('paused follower');
    await userEvent.click(view.getByRole('button', { name: 'Generate certificate' }));
    await actUntil(() => view.queryByText('Queued') !== null);
    for (let turn = 0; turn < 50; turn += 1) await act(() => nextTurn());
    expect(tab.transport.count('claim_jobs')).toBe(0);
    expect(tab.transport.count('next_run_at')).toBe(0);
    expect(text(view.getByTestId('worker'))).toContain('paused follower');

    tab.rerenderWith(
      <>
        <WorkerLine processors={processors} enabled />
        <GenerateCertificate />
      </>,
    );
    await actUntil(() => view.queryByText('Done') !== null);
  });
});
