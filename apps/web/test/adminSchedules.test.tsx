import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { QueueClient } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { SchedulesPanel } from '../src/admin/SchedulesPanel';
import { SessionContext } from '../src/session/Session';
import { ADMIN_ID, renderAdminPage, setUpAdminDatabase } from './adminSupport';

const database = setUpAdminDatabase('delete from public.job_schedules;');

const LAST = new Date('2026-05-01T22:00:00Z');
const NEXT = new Date('2026-05-02T22:00:00Z');

/** A schedule as an admin saved it, already ticked: last and next run set. */
async function seedSchedule(name: string, enabled = true): Promise<void> {
  await database.db.query(`select public.upsert_job_schedule($1, '0 0 * * *', 'report.build', '{}', 'Europe/Berlin', 5, null, $2)`, [
    name,
    enabled,
  ]);
  if (enabled) {
    await database.db.query('update public.job_schedules set last_run_at = $2, next_run_at = $3 where name = $1', [name, LAST, NEXT]);
  }
}

/** The panel alone, as the dashboard shows it to the Queue admin (the other panels' queries cost seconds in jsdom). */
function renderPanel() {
  const transport = new PGliteTransport(database.db, { claims: { sub: ADMIN_ID, role: 'authenticated', app_metadata: { role: 'admin' } } });
  const session = { userId: ADMIN_ID, displayName: 'Queue admin', isAdmin: true, transport, client: new QueueClient(transport) };
  function Panel() {
    const [message, setMessage] = useState('');
    return (
      <>
        <p role="status">{message}</p>
        <SchedulesPanel onMessage={setMessage} />
      </>
    );
  }
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <SessionContext.Provider value={session}>
        <Panel />
      </SessionContext.Provider>
    </QueryClientProvider>,
  );
}

const rows = async () =>
  (await database.db.query<{ name: string; enabled: boolean }>('select name, enabled from public.job_schedules order by name')).rows;

describe('/admin schedules', () => {
  it('the dashboard lists each schedule: cron, time zone, job type, enabled, last and next run', async () => {
    await seedSchedule('reports.nightly');
    await seedSchedule('reports.paused', false);
    renderAdminPage(database.db, 'admin');
    const table = await screen.findByRole('table', { name: 'Schedules' });
    const nightly = within(table).getByRole('row', { name: 'reports.nightly' });
    const cells = within(nightly).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells.slice(0, 6)).toEqual(['0 0 * * *', 'Europe/Berlin', 'report.build', 'yes', LAST.toLocaleString(), NEXT.toLocaleString()]);
    const paused = within(table).getByRole('row', { name: 'reports.paused' });
    expect(within(paused).getAllByRole('cell').map((cell) => cell.textContent).slice(3, 6)).toEqual(['no', '—', '—']);
    expect(within(paused).getByRole('button', { name: 'Enable reports.paused' })).toBeTruthy();
  });

  it('disables and enables a schedule, each after confirmation', async () => {
    await seedSchedule('reports.nightly');
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'Disable reports.nightly' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Disable reports.nightly?' });
    expect(within(dialog).getByText(/slots that pass meanwhile never run/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await rows()).toEqual([{ name: 'reports.nightly', enabled: true }]);

    await userEvent.click(screen.getByRole('button', { name: 'Disable reports.nightly' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Disable reports.nightly' }));
    expect(await screen.findByRole('button', { name: 'Enable reports.nightly' })).toBeTruthy();
    expect(screen.getByText('reports.nightly disabled')).toBeTruthy();
    expect(await rows()).toEqual([{ name: 'reports.nightly', enabled: false }]);

    await userEvent.click(screen.getByRole('button', { name: 'Enable reports.nightly' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Enable reports.nightly' }));
    expect(await screen.findByRole('button', { name: 'Disable reports.nightly' })).toBeTruthy();
    // Enabled again, it waits for the next tick to compute its next slot.
    const row = within(screen.getByRole('table', { name: 'Schedules' })).getByRole('row', { name: 'reports.nightly' });
    expect(within(row).getByText('at the next tick')).toBeTruthy();
  });

  it('deletes a schedule after confirmation', async () => {
    await seedSchedule('reports.nightly');
    await seedSchedule('reports.weekly');
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete reports.nightly' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm: Delete reports.nightly' }));
    await expect.poll(() => screen.queryByRole('row', { name: 'reports.nightly' })).toBeNull();
    expect(await rows()).toEqual([{ name: 'reports.weekly', enabled: true }]);
  });

  it('saves a new schedule, checking the cron expression as it is typed', async () => {
    renderPanel();
    const form = await screen.findByRole('form', { name: 'Add or replace a schedule' });
    await userEvent.type(within(form).getByLabelText('Schedule name'), 'cleanup.hourly');
    await userEvent.type(within(form).getByLabelText('Job type to enqueue'), 'maintenance.cleanup');
    const cron = within(form).getByLabelText('Cron expression');
    await userEvent.clear(cron);
    await userEvent.type(cron, '61 * * * *');
    expect(within(form).getByText(/Cron: invalid cron expression/)).toBeTruthy();
    expect((within(form).getByRole('button', { name: 'Save schedule' }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.clear(cron);
    await userEvent.type(cron, '@hourly');
    expect(within(form).getByText(/^First run: /)).toBeTruthy();
    await userEvent.click(within(form).getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('cleanup.hourly saved: maintenance.cleanup on "@hourly" (UTC)')).toBeTruthy();
    expect(await screen.findByRole('row', { name: 'cleanup.hourly' })).toBeTruthy();
    expect(await rows()).toEqual([{ name: 'cleanup.hourly', enabled: true }]);
  });

  it('shows why a schedule was refused (a payload that is not an object)', async () => {
    renderPanel();
    const form = await screen.findByRole('form', { name: 'Add or replace a schedule' });
    await userEvent.type(within(form).getByLabelText('Schedule name'), 'bad.payload');
    await userEvent.type(within(form).getByLabelText('Job type to enqueue'), 'report.build');
    const payload = within(form).getByLabelText('Payload (JSON)');
    await userEvent.clear(payload);
    await userEvent.type(payload, '[[1, 2]');
    await userEvent.click(within(form).getByRole('button', { name: 'Save schedule' }));
    expect((await within(form).findByRole('alert')).textContent).toMatch(/payload/);
    expect(await rows()).toEqual([]);
  });
});
