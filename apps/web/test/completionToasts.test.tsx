import type { PGlite } from '@electric-sql/pglite';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { JobWorker, QueueClient, type Job } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { jobQueryKeys, TesseraProvider, useJobWorker } from '@tessera/queue-react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompletionToasts } from '../src/components/CompletionToasts';
import { ADA_ID, createMigratedPGlite } from './adminSupport';

// The app's toasts: finished jobs from the job list (whoever ran them), retries from this tab's
// worker (useJobWorker's lifecycle events, heard beside it through useJobWorkerEvents).

let db: PGlite;
beforeAll(async () => {
  db = await createMigratedPGlite();
});
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  cleanup();
  await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
  await db.exec('truncate public.job_queue cascade');
});

const adaClient = () => new QueueClient(new PGliteTransport(db, { claims: { sub: ADA_ID, role: 'authenticated' } }));

function Worker() {
  useJobWorker({
    processors: {
      flaky: (job: Job) => {
        if (job.attempts === 1) throw new Error('printer jammed');
        return { ok: true };
      },
    },
  });
  return null;
}

function renderApp(withWorker: boolean) {
  const client = adaClient();
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <TesseraProvider client={client} userId={ADA_ID}>
        {withWorker && <Worker />}
        <CompletionToasts />
      </TesseraProvider>
    </QueryClientProvider>,
  );
  return { client, queryClient };
}

describe('CompletionToasts', () => {
  it("toasts this tab's retry, then the completion", async () => {
    const { client, queryClient } = renderApp(true);
    await act(() => queryClient.refetchQueries()); // the first list load is history, not news
    const job = await client.enqueue({ jobType: 'flaky', maxAttempts: 2 });
    expect(await screen.findByText('flaky attempt 1 of 2 failed (printer jammed): retrying.', {}, { timeout: 10_000 })).toBeTruthy();
    await db.query('update public.job_queue set run_at = now() where id = $1', [job.id]);
    await client.enqueue({ jobType: 'other' }); // its notification wakes the worker and refreshes the list
    expect(await screen.findByText('flaky done.', {}, { timeout: 10_000 })).toBeTruthy();
  });

  it('toasts a job that a server worker failed for good, from the list', async () => {
    const { client, queryClient } = renderApp(false);
    const job = await client.enqueue({ jobType: 'server.only', maxAttempts: 1 });
    // The list has loaded the pending job first (the enqueue's notification refreshed it): then its change is news.
    await waitFor(() => {
      const lists = queryClient.getQueriesData<Job[]>({ queryKey: jobQueryKeys.lists });
      expect(lists.some(([, jobs]) => jobs?.some((listed) => listed.id === job.id && listed.status === 'pending'))).toBe(true);
    });
    const server = new JobWorker(new QueueClient(new PGliteTransport(db)), {
      processors: {
        'server.only': () => {
          throw new Error('no fonts');
        },
      },
      listen: false,
      intervalMs: Infinity,
    }).start();
    await server.whenIdle();
    await server.stop();
    // Realtime's change message (0010), sent by hand: PGlite has no broadcast trigger.
    await db.query(`select pg_notify('tessera_job_changes', $1)`, [JSON.stringify({ id: job.id, status: 'failed' })]);
    expect(await screen.findByText('server.only failed: no fonts', {}, { timeout: 10_000 })).toBeTruthy();
  });
});
