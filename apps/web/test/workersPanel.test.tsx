import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { QueueClient } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { TesseraProvider } from '@tessera/queue-react';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { MyJobsPage } from '../src/pages/MyJobsPage';
import { type Session, SessionContext } from '../src/session/Session';
import { ADA_ID, renderAdminPage, seedJobs, setUpAdminDatabase } from './adminSupport';

const database = setUpAdminDatabase('delete from public.queue_workers');

/** A server worker's report, as the service role (this superuser connection) sends it. */
async function reportServerWorker(workerId: string, jobTypes: string[] | null, counts = { processed: 0, failed: 0 }) {
  await database.db.query('select public.worker_heartbeat($1, $2, $3, 0, $4, $5, $6)', [
    workerId,
    'node',
    '0.1.0',
    counts.processed,
    counts.failed,
    jobTypes,
  ]);
}

/** A browser worker of a user, written directly (a browser reports as its user, not as this connection). */
async function insertBrowserWorker(workerId: string, userId: string, secondsAgo: number) {
  await database.db.query(
    `insert into public.queue_workers (worker_id, kind, user_id, job_types, version, started_at, last_seen_at, processed)
     values ($1, 'browser', $2, '{certificate}', 'queue-react@0.1.0', now() - interval '1 hour',
             now() - make_interval(secs => $3), 4)`,
    [workerId, userId, secondsAgo],
  );
}

describe('/admin workers view', () => {
  it('lists the workers seen in the last hour: kind, user, version, last seen, alive, counts', async () => {
    await reportServerWorker('node-a', ['email.send'], { processed: 12, failed: 2 });
    await insertBrowserWorker('ada-tab', ADA_ID, 600);
    renderAdminPage(database.db, 'admin');
    const table = await screen.findByRole('table', { name: 'Workers' });
    const node = within(table).getByRole('row', { name: /^node-a/ });
    expect(node.textContent).toContain('node');
    expect(node.textContent).toContain('server');
    expect(node.textContent).toContain('0.1.0');
    expect(node.textContent).toContain('email.send');
    expect(within(node).getByText('alive')).toBeTruthy();
    expect(within(node).getAllByRole('cell').map((cell) => cell.textContent).slice(-4, -1)).toEqual(['0', '12', '2']);
    const tab = within(table).getByRole('row', { name: /^ada-tab/ });
    expect(tab.textContent).toContain(ADA_ID);
    expect(tab.textContent).toContain('10 min ago');
    expect(within(tab).getByText('silent')).toBeTruthy();
    expect(screen.getByText(/1 of 2 seen in the last hour is alive/)).toBeTruthy();
  });

  it('forgets a worker that is not alive, after confirmation', async () => {
    await reportServerWorker('node-a', null);
    await insertBrowserWorker('ada-tab', ADA_ID, 600);
    renderAdminPage(database.db, 'admin');
    const table = await screen.findByRole('table', { name: 'Workers' });
    // A live worker cannot be forgotten from here: it would report again at once.
    expect(within(table).queryByRole('button', { name: 'Forget node-a' })).toBeNull();
    await userEvent.click(within(table).getByRole('button', { name: 'Forget ada-tab' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Forget ada-tab' }));
    expect(await screen.findByText('worker ada-tab forgotten')).toBeTruthy();
    await expect.poll(() => within(table).queryByRole('row', { name: /^ada-tab/ })).toBeNull();
    expect((await database.db.query('select worker_id from public.queue_workers')).rows).toEqual([{ worker_id: 'node-a' }]);
  });

  it('health turns critical when jobs wait with no live worker able to take them', async () => {
    await seedJobs(database.db, [{ jobType: 'email.send', state: 'pending', minutesAgo: 2 }]);
    await reportServerWorker('node-a', ['certificate']);
    renderAdminPage(database.db, 'admin');
    expect(await screen.findByRole('heading', { name: 'Health: critical' })).toBeTruthy();
    expect(screen.getByText(/no live worker can take them \(email\.send\)/)).toBeTruthy();
  });

  it('says so when no worker reported in the last hour', async () => {
    renderAdminPage(database.db, 'admin');
    expect(await screen.findByText(/No worker reported in the last hour/)).toBeTruthy();
  });
});

/** My jobs as Ada: session, TanStack Query and the queue provider around the page. */
function renderMyJobs() {
  const transport = new PGliteTransport(database.db, { claims: { sub: ADA_ID, role: 'authenticated' } });
  const client = new QueueClient(transport);
  const session: Session = { userId: ADA_ID, displayName: 'Ada Lovelace', isAdmin: false, transport, client };
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MemoryRouter initialEntries={['/jobs']}>
      <QueryClientProvider client={queryClient}>
        <SessionContext.Provider value={session}>
          <TesseraProvider client={client} userId={ADA_ID} push={false}>
            <MyJobsPage />
          </TesseraProvider>
        </SessionContext.Provider>
      </QueryClientProvider>
    </MemoryRouter>,
  );
}

describe('My jobs: what happens next to a waiting job', () => {
  it('no worker is running', async () => {
    await seedJobs(database.db, [{ jobType: 'email.send', state: 'pending', minutesAgo: 1 }]);
    renderMyJobs();
    expect((await screen.findByTestId('wait-reason')).textContent).toBe('No worker is running');
  });

  it('waiting for the server worker, or for the browser as well', async () => {
    await seedJobs(database.db, [{ jobType: 'certificate', state: 'pending', minutesAgo: 1 }]);
    await reportServerWorker('node-a', ['certificate']);
    renderMyJobs();
    expect((await screen.findByTestId('wait-reason')).textContent).toBe('Waiting for the server worker');
    cleanup();
    await insertBrowserWorker('ada-tab', ADA_ID, 5);
    renderMyJobs();
    expect((await screen.findByTestId('wait-reason')).textContent).toBe('Waiting for your browser or the server worker');
  });

  it('says when a delayed job runs, and nothing for finished jobs', async () => {
    await seedJobs(database.db, [
      { jobType: 'certificate', state: 'scheduled' },
      { jobType: 'certificate', state: 'completed' },
    ]);
    renderMyJobs();
    const reasons = await screen.findAllByTestId('wait-reason');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]!.textContent).toMatch(/^Runs at /);
  });
});
