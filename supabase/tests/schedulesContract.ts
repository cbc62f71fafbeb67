import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAllowedError, NotFoundError, ValidationError } from '../../packages/queue/src/errors';
import { callRpc } from '../../packages/queue/src/rpc/call';
import {
  deleteJobSchedule,
  listJobSchedules,
  runScheduleSlot,
  setJobScheduleEnabled,
  upsertJobSchedule,
  type JobScheduleInput,
} from '../../packages/queue/src/rpc/schedules';
import { nextSlot } from '../../packages/queue/src/schedules/cron';
import { tickSchedules } from '../../packages/queue/src/schedules/tickSchedules';
import {
  anon,
  newAdmin,
  newUser,
  service,
  type Actor,
  type QueueHarness,
} from '../../packages/queue/test/support/harness';

const SERVICE_JWT: Actor = { kind: 'service-jwt' };

// Every schedule function, with arguments that would succeed for its callers.
const ADMIN_CALLS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['list_job_schedules', {}],
  ['upsert_job_schedule', { p_name: 'probe', p_cron: '0 * * * *', p_job_type: 'report.build' }],
  ['set_job_schedule_enabled', { p_name: 'probe', p_enabled: false }],
  ['delete_job_schedule', { p_name: 'probe' }],
];
const TICK_CALLS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['init_job_schedule', { p_name: 'probe', p_cron: '0 * * * *', p_time_zone: 'UTC', p_next_run_at: new Date(Date.now() + 3600_000) }],
  ['run_schedule_slot', { p_name: 'probe', p_slot: new Date(Date.now() - 60_000), p_next_run_at: new Date(Date.now() + 3600_000) }],
];

const nightly: JobScheduleInput = {
  name: 'reports.nightly',
  cron: '0 0 * * *',
  timeZone: 'Europe/Berlin',
  jobType: 'report.build',
  payload: { kind: 'daily' },
  priority: 3,
  maxAttempts: 2,
};

interface ScheduleRow {
  next_run_at: Date | string | null;
  last_run_at: Date | string | null;
}

/** Recurring schedules (0020) and their ticker, the same on every backend. */
export function describeSchedulesContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`job schedules on ${name}`, () => {
    let h: QueueHarness;
    const rpc = (actor: Actor, fn: string, args?: Record<string, unknown>) => callRpc(h.transport(actor), fn, args);
    const admin = () => h.transport(newAdmin());
    const serviceTransport = () => h.transport(service);
    const jobs = () =>
      h.sql<{ job_type: string; job_key: string; payload: unknown; priority: number; max_attempts: number; user_id: string | null }>(
        `select job_type, job_key, payload, priority, max_attempts, user_id from public.job_queue order by created_at, id`,
      );
    /** Makes the schedule's next slot `minutesAgo` minutes in the past (whole minutes), as if no worker ran since. */
    const makeDue = async (scheduleName: string, minutesAgo: number) => {
      const [row] = await h.sql<{ slot: string }>(
        `update public.job_schedules set next_run_at = date_trunc('minute', now()) - make_interval(mins => $2)
          where name = $1 returning next_run_at::text as slot`,
        [scheduleName, minutesAgo],
      );
      return new Date(row!.slot);
    };
    const scheduleRow = async (scheduleName: string) =>
      (await h.sql<ScheduleRow>('select next_run_at, last_run_at from public.job_schedules where name = $1', [scheduleName]))[0];

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.reset();
      await h.sql('delete from public.job_schedules');
    });

    describe('access', () => {
      it.each(ADMIN_CALLS)('%s refuses attendees and anonymous callers (42501)', async (fn, args) => {
        for (const caller of [newUser(), anon]) {
          const call = rpc(caller, fn, args);
          await expect(call).rejects.toBeInstanceOf(NotAllowedError);
          await expect(call).rejects.toMatchObject({ code: '42501' });
        }
      });

      it.each(TICK_CALLS)('%s is for the service role only: attendees, anonymous callers and admins get 42501', async (fn, args) => {
        for (const caller of [newUser(), anon, newAdmin()]) {
          await expect(rpc(caller, fn, args)).rejects.toBeInstanceOf(NotAllowedError);
        }
        for (const caller of [service, SERVICE_JWT]) await expect(rpc(caller, fn, args)).resolves.not.toThrow();
      });

      it('admins and the service role manage schedules; only admins read the table', async () => {
        for (const caller of [newAdmin(), service]) {
          for (const [fn, args] of ADMIN_CALLS) await expect(rpc(caller, fn, args)).resolves.not.toThrow();
        }
        await upsertJobSchedule(admin(), nightly);
        expect(await h.sqlAs(newUser(), 'select name from public.job_schedules')).toEqual([]);
        expect(await h.sqlAs(newAdmin(), 'select name from public.job_schedules')).toEqual([{ name: 'reports.nightly' }]);
      });
    });

    describe('writing schedules', () => {
      it('creates a schedule without a next run (the first tick computes it), and lists it', async () => {
        const created = await upsertJobSchedule(admin(), { ...nightly, cron: '  0   0 * * * ' });
        expect(created).toMatchObject({
          name: 'reports.nightly',
          cron: '0 0 * * *',
          timeZone: 'Europe/Berlin',
          jobType: 'report.build',
          payload: { kind: 'daily' },
          priority: 3,
          maxAttempts: 2,
          enabled: true,
          lastRunAt: null,
          nextRunAt: null,
        });
        expect((await listJobSchedules(admin())).map((schedule) => schedule.name)).toEqual(['reports.nightly']);
      });

      it('a new payload keeps the next run; a new cron or time zone starts again from the next tick', async () => {
        await upsertJobSchedule(admin(), nightly);
        await tickSchedules(serviceTransport());
        const first = await scheduleRow('reports.nightly');
        expect(first?.next_run_at).not.toBeNull();
        await upsertJobSchedule(admin(), { ...nightly, payload: { kind: 'weekly' } });
        expect(await scheduleRow('reports.nightly')).toEqual(first);
        await upsertJobSchedule(admin(), { ...nightly, cron: '30 6 * * *' });
        expect((await scheduleRow('reports.nightly'))?.next_run_at).toBeNull();
      });

      it('rejects bad cron expressions and time zones in TypeScript, before any call, with a clear message', async () => {
        const cases: Array<[Partial<JobScheduleInput>, RegExp]> = [
          [{ cron: 'every day' }, /5 fields .* or 6/],
          [{ cron: '* * * *' }, /got 4/],
          [{ cron: '0 0 * * * * 2030' }, /got 7/],
          [{ cron: '61 * * * *' }, /minute/],
          [{ cron: '0 0 30 2 *' }, /never fires/],
          [{ timeZone: 'Mars/Olympus' }, /unknown time zone/],
          [{ name: 'Nightly Report' }, /schedule name/],
          [{ jobType: 'Report' }, /job type/],
        ];
        for (const [change, message] of cases) {
          const call = upsertJobSchedule(admin(), { ...nightly, ...change });
          await expect(call).rejects.toBeInstanceOf(ValidationError);
          await expect(call).rejects.toThrow(message);
        }
        expect(await h.sql('select name from public.job_schedules')).toEqual([]);
      });

      it('the database checks the shape too (22023), for callers that skip the TypeScript client', async () => {
        const base = { p_name: 'raw', p_cron: '0 * * * *', p_job_type: 'report.build' };
        const cases: Array<[Record<string, unknown>, RegExp]> = [
          [{ p_cron: 'every day' }, /invalid cron expression/],
          [{ p_cron: '* * * *' }, /invalid cron expression/],
          [{ p_cron: "0 0 * * *; drop table x" }, /invalid cron expression/],
          [{ p_time_zone: 'Mars/Olympus' }, /unknown time zone/],
          [{ p_name: 'Bad Name' }, /invalid schedule name/],
          [{ p_job_type: 'Bad' }, /invalid job_type/],
          [{ p_payload: [1, 2] }, /payload must be a JSON object/],
          [{ p_priority: 0 }, /priority/],
          [{ p_max_attempts: 26 }, /max_attempts/],
        ];
        for (const [change, message] of cases) {
          const call = rpc(newAdmin(), 'upsert_job_schedule', { ...base, ...change });
          await expect(call).rejects.toBeInstanceOf(ValidationError);
          await expect(call).rejects.toMatchObject({ code: '22023' });
          await expect(call).rejects.toThrow(message);
        }
        await expect(rpc(newAdmin(), 'upsert_job_schedule', { ...base, p_cron: '@daily' })).resolves.toMatchObject({
          cron: '@daily',
        });
      });

      it('disabling and enabling forget the next slot; delete removes the schedule but not its jobs', async () => {
        await upsertJobSchedule(admin(), nightly);
        await makeDue('reports.nightly', 5);
        const disabled = await setJobScheduleEnabled(admin(), 'reports.nightly', false);
        expect(disabled).toMatchObject({ enabled: false, nextRunAt: null });
        // A disabled schedule is not ticked: nothing runs, nothing is computed.
        const tick = await tickSchedules(serviceTransport());
        expect(tick).toMatchObject({ ran: [], initialized: [] });
        const enabled = await setJobScheduleEnabled(admin(), 'reports.nightly', true);
        expect(enabled).toMatchObject({ enabled: true, nextRunAt: null });
        expect((await tickSchedules(serviceTransport())).initialized).toEqual(['reports.nightly']);
        expect(await jobs()).toEqual([]);

        await makeDue('reports.nightly', 1);
        expect((await tickSchedules(serviceTransport())).ran).toHaveLength(1);
        await deleteJobSchedule(admin(), 'reports.nightly');
        expect(await listJobSchedules(admin())).toEqual([]);
        expect(await jobs()).toHaveLength(1);
        await expect(deleteJobSchedule(admin(), 'reports.nightly')).rejects.toBeInstanceOf(NotFoundError);
        await expect(setJobScheduleEnabled(admin(), 'reports.nightly', true)).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('ticking', () => {
      it('the first tick of a new schedule computes its next slot without running it', async () => {
        await upsertJobSchedule(admin(), { ...nightly, cron: '* * * * *' });
        const before = new Date();
        const tick = await tickSchedules(serviceTransport());
        expect(tick).toMatchObject({ initialized: ['reports.nightly'], ran: [], skipped: [], errors: [] });
        const [schedule] = await listJobSchedules(admin());
        const expected = nextSlot('* * * * *', 'Europe/Berlin', before)!;
        expect(schedule!.nextRunAt!.getTime()).toBeGreaterThanOrEqual(expected.getTime());
        expect(schedule!.nextRunAt!.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
        expect(schedule!.nextRunAt!.getUTCSeconds()).toBe(0);
        expect(tick.nextDueAt).toEqual(schedule!.nextRunAt);
        expect(await jobs()).toEqual([]);
      });

      it('a due slot enqueues one job with the schedule’s type, payload, priority and attempts, keyed by its slot', async () => {
        await upsertJobSchedule(admin(), nightly);
        await tickSchedules(serviceTransport());
        const slot = await makeDue('reports.nightly', 1);
        const tick = await tickSchedules(serviceTransport());
        expect(tick.ran).toEqual([{ name: 'reports.nightly', slot, jobId: expect.any(String) }]);
        const key = `schedule:reports.nightly:${slot.toISOString().replace('.000Z', 'Z')}`;
        expect(await jobs()).toEqual([
          { job_type: 'report.build', job_key: key, payload: { kind: 'daily' }, priority: 3, max_attempts: 2, user_id: null },
        ]);
        const [schedule] = await listJobSchedules(admin());
        expect(schedule).toMatchObject({ lastRunAt: slot, lastJobId: tick.ran[0]!.jobId });
        // The next slot is Berlin's next midnight, after now.
        expect(schedule!.nextRunAt).toEqual(nextSlot('0 0 * * *', 'Europe/Berlin', new Date()));
        expect((await tickSchedules(serviceTransport())).ran).toEqual([]);
      });

      it('slots missed while no worker ran are run once on return, not once per missed slot', async () => {
        await upsertJobSchedule(admin(), { ...nightly, cron: '* * * * *' });
        await tickSchedules(serviceTransport());
        // Three hours of every-minute slots passed without a ticker.
        const slot = await makeDue('reports.nightly', 180);
        const tick = await tickSchedules(serviceTransport());
        expect(tick.ran).toEqual([{ name: 'reports.nightly', slot, jobId: expect.any(String) }]);
        expect(await jobs()).toHaveLength(1);
        const [schedule] = await listJobSchedules(admin());
        // Computed from now: the next minute, not the slot after the missed one.
        expect(schedule!.nextRunAt!.getTime()).toBeGreaterThan(Date.now() - 1_000);
        expect(schedule!.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
        expect((await tickSchedules(serviceTransport())).ran).toEqual([]);
        expect(await jobs()).toHaveLength(1);
      });

      it('several tickers racing for one slot enqueue exactly one job', async () => {
        await upsertJobSchedule(admin(), { ...nightly, name: 'race', cron: '* * * * *' });
        await upsertJobSchedule(admin(), { ...nightly, name: 'race.two', cron: '*/5 * * * *' });
        await tickSchedules(serviceTransport());
        await makeDue('race', 2);
        await makeDue('race.two', 7);
        const ticks = await Promise.all(Array.from({ length: 6 }, () => tickSchedules(h.transport(service))));
        const ran = ticks.flatMap((tick) => tick.ran).map((run) => run.name).sort();
        expect(ran).toEqual(['race', 'race.two']);
        expect(ticks.flatMap((tick) => tick.errors)).toEqual([]);
        expect(await jobs()).toHaveLength(2);
      });

      it('a slot runs once even after its job finished (the live job_key alone would allow a second)', async () => {
        await upsertJobSchedule(admin(), nightly);
        await tickSchedules(serviceTransport());
        const slot = await makeDue('reports.nightly', 1);
        const [row] = await h.sql<{ next_run_at: string }>(`select next_run_at::text from public.job_schedules`);
        expect(new Date(row!.next_run_at)).toEqual(slot);
        const next = new Date(Date.now() + 3600_000);
        const job = await runScheduleSlot(serviceTransport(), 'reports.nightly', slot, next);
        expect(job).not.toBeNull();
        await h.sql(`update public.job_queue set status = 'completed', completed_at = now()`);
        expect(await runScheduleSlot(serviceTransport(), 'reports.nightly', slot, new Date(next.getTime() + 1000))).toBeNull();
        expect(await jobs()).toHaveLength(1);
      });

      it('run_schedule_slot refuses a slot that is not due yet, and a next slot that is not after it', async () => {
        await upsertJobSchedule(admin(), nightly);
        const future = new Date(Date.now() + 60_000);
        await h.sql(`update public.job_schedules set next_run_at = $1`, [future.toISOString()]);
        expect(await runScheduleSlot(serviceTransport(), 'reports.nightly', future, new Date(future.getTime() + 60_000))).toBeNull();
        const past = await makeDue('reports.nightly', 1);
        await expect(runScheduleSlot(serviceTransport(), 'reports.nightly', past, past)).rejects.toBeInstanceOf(ValidationError);
        expect(await jobs()).toEqual([]);
      });

      it('a ticker that read a schedule before an admin changed its timing does not store a stale next slot', async () => {
        await upsertJobSchedule(admin(), nightly);
        const stale = await callRpc(serviceTransport(), 'init_job_schedule', {
          p_name: 'reports.nightly',
          p_cron: '*/5 * * * *',
          p_time_zone: 'Europe/Berlin',
          p_next_run_at: new Date(Date.now() + 60_000),
        });
        expect(stale).toBe(false);
        expect((await scheduleRow('reports.nightly'))?.next_run_at).toBeNull();
      });

      it('a schedule the ticker cannot evaluate is reported, and the others still tick', async () => {
        await upsertJobSchedule(admin(), { ...nightly, name: 'good', cron: '* * * * *' });
        // Valid in shape (the database's check) but not for croner: written around the TypeScript client.
        await rpc(newAdmin(), 'upsert_job_schedule', { p_name: 'bad', p_cron: '99 * * * *', p_job_type: 'report.build' });
        const tick = await tickSchedules(serviceTransport());
        expect(tick.initialized).toEqual(['good']);
        expect(tick.errors).toEqual([{ name: 'bad', error: expect.stringMatching(/minute/) }]);
      });
    });
  });
}
