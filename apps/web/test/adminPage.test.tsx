import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderAdminPage, seedJobs, setUpAdminDatabase } from './adminSupport';

const database = setUpAdminDatabase();

describe('/admin for someone who is not a queue admin', () => {
  it('says they are not allowed, and shows no queue data', async () => {
    await seedJobs(database.db, [{ jobType: 'certificate', state: 'failed' }]);
    renderAdminPage(database.db, 'attendee');
    expect(screen.getByRole('heading', { name: 'Not allowed' })).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('/admin overview', () => {
  it('shows jobs per type and state, the oldest waiting job, health alerts and the last hour', async () => {
    await seedJobs(database.db, [
      { jobType: 'certificate', state: 'failed', minutesAgo: 5 },
      { jobType: 'certificate', state: 'failed', minutesAgo: 6 },
      { jobType: 'certificate', state: 'completed', minutesAgo: 7 },
      { jobType: 'email.send', state: 'pending', minutesAgo: 12 },
      { jobType: 'email.send', state: 'scheduled' },
    ]);
    // A live server worker (0019): the wait is a warning, not the critical "no live worker".
    await database.db.query(`select public.worker_heartbeat('node-1', 'node')`);
    renderAdminPage(database.db, 'admin');
    const table = await screen.findByRole('table', { name: 'Jobs per type and state' });
    const certificate = within(table).getByRole('row', { name: /^certificate/ });
    expect(within(certificate).getByRole('button', { name: '2 failed certificate jobs' })).toBeTruthy();
    expect(within(certificate).getByRole('button', { name: '1 completed certificate jobs' })).toBeTruthy();
    const email = within(table).getByRole('row', { name: /^email\.send/ });
    expect(within(email).getByRole('button', { name: '1 pending email.send jobs' })).toBeTruthy();
    expect(within(email).getByRole('button', { name: '1 scheduled email.send jobs' })).toBeTruthy();
    expect(screen.getByTestId('oldest-waiting').textContent).toBe('12 min');
    // An email job has waited more than 5 minutes: queue_health warns.
    expect(await screen.findByRole('heading', { name: 'Health: warning' })).toBeTruthy();
    expect(screen.getByText(/the oldest waiting job has waited/)).toBeTruthy();
    expect(await screen.findByText(/Last hour: 5 enqueued, 1 completed, 2 failed \(failure rate 66\.7 %\)/)).toBeTruthy();
  });

  it('clicking a count lists those jobs', async () => {
    await seedJobs(database.db, [
      { jobType: 'certificate', state: 'completed' },
      { jobType: 'email.send', state: 'completed' },
    ]);
    renderAdminPage(database.db, 'admin');
    await userEvent.click(await screen.findByRole('button', { name: '1 completed email.send jobs' }));
    const jobs = await screen.findByRole('table', { name: 'Jobs' });
    await expect.poll(() => within(jobs).queryAllByRole('button', { name: /^Details of/ }).length).toBe(1);
    expect(within(jobs).getByRole('button', { name: /^Details of email\.send job/ })).toBeTruthy();
  });

  it('pauses and resumes a job type, each after confirmation', async () => {
    await seedJobs(database.db, [{ jobType: 'certificate', state: 'pending' }]);
    renderAdminPage(database.db, 'admin');
    await userEvent.click(await screen.findByRole('button', { name: 'Pause certificate' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Pause certificate?' });
    expect(within(dialog).getByText(/Workers stop claiming certificate jobs/)).toBeTruthy();
    // The safe choice has the focus; cancelling changes nothing.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect((await database.db.query('select * from public.queue_pauses')).rows).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Pause certificate' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Pause certificate' }));
    expect(await screen.findByRole('button', { name: 'Resume certificate' })).toBeTruthy();
    expect((await database.db.query('select job_type from public.queue_pauses')).rows).toEqual([{ job_type: 'certificate' }]);

    await userEvent.click(screen.getByRole('button', { name: 'Resume certificate' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Resume certificate' }));
    expect(await screen.findByRole('button', { name: 'Pause certificate' })).toBeTruthy();
    expect((await database.db.query('select * from public.queue_pauses')).rows).toEqual([]);
  });

  it('cleans up finished jobs older than N days, after confirmation', async () => {
    await seedJobs(database.db, [
      { jobType: 'certificate', state: 'completed', minutesAgo: 3 * 24 * 60 },
      { jobType: 'certificate', state: 'failed', minutesAgo: 10 },
      { jobType: 'certificate', state: 'pending', minutesAgo: 4 * 24 * 60 },
    ]);
    renderAdminPage(database.db, 'admin');
    expect(await screen.findByText(/Node workers run the maintenance/)).toBeTruthy();
    const days = screen.getByLabelText('Delete finished jobs older than (days)');
    await userEvent.clear(days);
    await userEvent.type(days, '2');
    await userEvent.click(screen.getByRole('button', { name: 'Clean up' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('more than 2 days ago');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Clean up' }));
    expect(await screen.findByText('1 finished job deleted')).toBeTruthy();
    const { rows } = await database.db.query<{ status: string }>('select status from public.job_queue order by status');
    expect(rows.map((row) => row.status)).toEqual(['failed', 'pending']);
  });
});
