import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderAdminPage, seedJobs, setUpAdminDatabase } from './adminSupport';

const database = setUpAdminDatabase();

const pauses = async () => (await database.db.query<{ job_type: string }>('select job_type from public.queue_pauses order by 1')).rows;

describe('/admin: pause everything', () => {
  it('pauses every job type and resumes them all, each after confirmation', async () => {
    await seedJobs(database.db, [{ jobType: 'certificate', state: 'pending' }]);
    await database.db.exec(`insert into public.queue_pauses (job_type) values ('email.send')`);
    renderAdminPage(database.db, 'admin');

    // The first query answers once PGlite and the dashboard are up: slow on a busy machine.
    await userEvent.click(await screen.findByRole('button', { name: 'Pause all' }, { timeout: 10_000 }));
    const dialog = screen.getByRole('alertdialog', { name: 'Pause all?' });
    expect(within(dialog).getByText(/Workers stop claiming jobs of every type; running jobs finish/)).toBeTruthy();
    // The safe choice has the focus; cancelling changes nothing.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await pauses()).toEqual([{ job_type: 'email.send' }]);

    await userEvent.click(screen.getByRole('button', { name: 'Pause all' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Pause all' }));
    expect(await screen.findByText('All job types paused')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Resume all' })).toBeTruthy();
    expect(screen.getByTestId('pause-all-state').textContent).toMatch(/Every job type is paused/);
    expect(await pauses()).toEqual([{ job_type: '*' }, { job_type: 'email.send' }]);

    await userEvent.click(screen.getByRole('button', { name: 'Resume all' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Resume all' }));
    expect(await screen.findByRole('button', { name: 'Pause all' })).toBeTruthy();
    expect(await pauses()).toEqual([]);
  });

  it('shows a pause made elsewhere (another admin, pause_queue(null) in SQL)', async () => {
    await database.db.exec(`insert into public.queue_pauses (job_type) values ('*')`);
    renderAdminPage(database.db, 'admin');
    expect(await screen.findByRole('button', { name: 'Resume all' }, { timeout: 10_000 })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Pause all' })).toBeNull();
  });
});
