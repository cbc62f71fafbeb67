import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderAdminPage, seedJobs, setUpAdminDatabase } from './adminSupport';

const database = setUpAdminDatabase();

const statuses = async () =>
  (await database.db.query<{ status: string }>('select status from public.job_queue order by created_at desc')).rows.map(
    (row) => row.status,
  );
const listedJobs = () => within(screen.getByRole('table', { name: 'Jobs' })).queryAllByRole('button', { name: /^Details of/ });

describe('/admin job list', () => {
  it('lists failed jobs first, and filters by type, state and error text', async () => {
    await seedJobs(database.db, [
      { jobType: 'certificate', state: 'failed', error: 'Font "Inter" missing' },
      { jobType: 'email.send', state: 'failed', error: 'SMTP timeout' },
      { jobType: 'certificate', state: 'completed' },
    ]);
    renderAdminPage(database.db, 'admin');
    await screen.findByRole('table', { name: 'Jobs' });
    await expect.poll(() => listedJobs().length).toBe(2);

    await userEvent.type(screen.getByLabelText('Error contains'), 'font');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await expect.poll(() => listedJobs().map((button) => button.textContent)).toEqual([expect.stringMatching(/^certificate/)]);

    await userEvent.selectOptions(screen.getByLabelText('State'), 'completed');
    await userEvent.clear(screen.getByLabelText('Error contains'));
    await userEvent.type(screen.getByLabelText('Job type'), 'certificate');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await expect.poll(() => listedJobs().length).toBe(1);
    expect(within(screen.getByRole('table', { name: 'Jobs' })).getByText('completed')).toBeTruthy();
  });

  it('says why a filter is refused', async () => {
    renderAdminPage(database.db, 'admin');
    await userEvent.type(await screen.findByLabelText('User id'), 'not-a-uuid');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/user id must be a uuid/);
  });

  it('pages through older jobs (keyset)', async () => {
    await seedJobs(database.db, Array.from({ length: 30 }, () => ({ jobType: 'report.build', state: 'failed' as const })));
    renderAdminPage(database.db, 'admin');
    await screen.findByRole('table', { name: 'Jobs' });
    await expect.poll(() => listedJobs().length).toBe(25);
    await userEvent.click(screen.getByRole('button', { name: 'Load older jobs' }));
    await expect.poll(() => listedJobs().length).toBe(30);
    expect(new Set(listedJobs().map((button) => button.getAttribute('aria-label'))).size).toBe(30);
    expect(screen.queryByRole('button', { name: 'Load older jobs' })).toBeNull();
  });
});

describe('/admin job detail', () => {
  it('shows payload, attempts, worker and every error; retries the job after confirmation', async () => {
    const [id] = await seedJobs(database.db, [
      { jobType: 'certificate', state: 'failed', error: 'Font "Inter" missing', payload: { serial: 'TSR-2026-000042' } },
    ]);
    await database.db.query(
      `update public.job_queue set errors = jsonb_build_array(
         jsonb_build_object('attempt', 1, 'at', now(), 'message', 'timeout after 30 s', 'worker', 'tab-1')) || errors
        where id = $1`,
      [id],
    );
    renderAdminPage(database.db, 'admin');
    await userEvent.click(await screen.findByRole('button', { name: `Details of certificate job ${id}` }));
    const detail = await screen.findByRole('region', { name: /certificate job/ });
    expect(within(detail).getByLabelText('Payload').textContent).toContain('TSR-2026-000042');
    const history = within(detail).getByRole('list', { name: 'Error history' });
    expect(within(history).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      expect.stringContaining('timeout after 30 s'),
      expect.stringContaining('Font "Inter" missing'),
    ]);
    expect(within(detail).getByText('1 of 3')).toBeTruthy();
    expect(within(detail).getByRole('button', { name: 'Cancel job' })).toHaveProperty('disabled', true);

    await userEvent.click(within(detail).getByRole('button', { name: 'Retry job' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Retry job' }));
    expect(await screen.findByText('Job retried')).toBeTruthy();
    expect(await statuses()).toEqual(['pending']);
  });
});

describe('/admin bulk actions', () => {
  it('cancels the selected jobs, after confirmation', async () => {
    const ids = await seedJobs(database.db, [
      { jobType: 'email.send', state: 'pending' },
      { jobType: 'email.send', state: 'scheduled' },
      { jobType: 'email.send', state: 'pending' },
    ]);
    renderAdminPage(database.db, 'admin');
    await userEvent.selectOptions(await screen.findByLabelText('State'), '');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await expect.poll(() => listedJobs().length).toBe(3);
    await userEvent.click(screen.getByRole('checkbox', { name: `Select email.send job ${ids[0]}` }));
    await userEvent.click(screen.getByRole('checkbox', { name: `Select email.send job ${ids[1]}` }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel selected' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('the 2 selected jobs');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Cancel selected' }));
    expect(await screen.findByText('2 jobs cancelled')).toBeTruthy();
    expect(await statuses()).toEqual(['cancelled', 'cancelled', 'pending']);
  });

  it('retries every job matching the filter, listed or not', async () => {
    await seedJobs(database.db, [
      ...Array.from({ length: 27 }, () => ({ jobType: 'certificate', state: 'failed' as const, error: 'font missing' })),
      { jobType: 'certificate', state: 'failed', error: 'disk full' },
    ]);
    renderAdminPage(database.db, 'admin');
    await userEvent.type(await screen.findByLabelText('Error contains'), 'font');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Retry all matching' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('state failed, error containing “font”');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Retry all matching' }));
    expect(await screen.findByText('27 jobs retried')).toBeTruthy();
    const { rows } = await database.db.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from public.job_queue group by status order by status',
    );
    expect(rows).toEqual([
      { status: 'failed', n: 1 },
      { status: 'pending', n: 27 },
    ]);
  });
});
