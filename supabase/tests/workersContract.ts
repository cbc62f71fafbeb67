import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAllowedError, NotFoundError, ValidationError } from '../../packages/queue/src/errors';
import { callRpc } from '../../packages/queue/src/rpc/call';
import { queueHealth } from '../../packages/queue/src/rpc/observe';
import { jobWaitReason, listWorkers, workerHeartbeat, type WorkerReport } from '../../packages/queue/src/rpc/workers';
import {
  anon,
  newAdmin,
  newUser,
  service,
  type Actor,
  type QueueHarness,
} from '../../packages/queue/test/support/harness';
import { seedJobs } from './adminFixtures';

interface WorkerRow {
  worker_id: string;
  kind: string;
  user_id: string | null;
  job_types: string[] | null;
  version: string | null;
  running: number;
  processed: number;
  failed: number;
  started_at: Date;
  last_seen_at: Date;
  stopped_at: Date | null;
}

/** Live workers (0019) on every backend: reporting, reading, the health alert and wait reasons. */
export function describeWorkersContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`live workers on ${name}`, () => {
    const ctx = { h: undefined as unknown as QueueHarness };
    const rpc = (actor: Actor, fn: string, args?: Record<string, unknown>) => callRpc(ctx.h.transport(actor), fn, args);
    const report = (actor: Actor, input: WorkerReport) => workerHeartbeat(ctx.h.transport(actor), input);
    const rows = () =>
      ctx.h.sql<WorkerRow>(
        `select worker_id, kind, user_id, job_types, version, running, processed::int, failed::int,
                started_at, last_seen_at, stopped_at
           from public.queue_workers order by worker_id`,
      );
    /** Moves a worker's last report (and start) into the past. */
    const age = (workerId: string, seconds: number) =>
      ctx.h.sql(
        `update public.queue_workers set last_seen_at = now() - make_interval(secs => $2),
                started_at = least(started_at, now() - make_interval(secs => $2))
          where worker_id = $1`,
        [workerId, seconds],
      );
    const alertCodes = async (actor: Actor = service) =>
      (await queueHealth(ctx.h.transport(actor))).alerts.map((alert) => alert.code);

    beforeAll(async () => {
      ctx.h = await createHarness();
    });
    afterAll(async () => {
      await ctx.h?.close();
    });
    beforeEach(async () => {
      await ctx.h.reset();
      await ctx.h.sql('delete from public.queue_workers');
    });

    describe('worker_heartbeat', () => {
      it('inserts a server worker, then updates it in place: counters set, started_at kept', async () => {
        await report(service, {
          workerId: 'node-a',
          kind: 'node',
          version: '0.1.0',
          running: 2,
          processed: 5,
          failed: 1,
          jobTypes: ['email.send', 'certificate', 'email.send'],
        });
        const [first] = await rows();
        expect(first).toMatchObject({
          worker_id: 'node-a',
          kind: 'node',
          user_id: null,
          job_types: ['certificate', 'email.send'],
          version: '0.1.0',
          running: 2,
          processed: 5,
          failed: 1,
          stopped_at: null,
        });
        await age('node-a', 20);
        const [aged] = await rows();
        await report(service, { workerId: 'node-a', kind: 'node', version: '0.1.1', running: 0, processed: 9, failed: 1 });
        const [second] = await rows();
        expect(second).toMatchObject({ running: 0, processed: 9, failed: 1, version: '0.1.1', job_types: null });
        expect(second!.started_at.getTime()).toBe(aged!.started_at.getTime());
        expect(second!.last_seen_at.getTime()).toBeGreaterThan(aged!.last_seen_at.getTime());
        expect(await ctx.h.sql('select count(*)::int as n from public.queue_workers')).toEqual([{ n: 1 }]);
      });

      it('a graceful stop makes the worker not alive; the same id reporting again starts anew', async () => {
        await report(service, { workerId: 'node-a', kind: 'node', processed: 3 });
        await age('node-a', 30);
        await report(service, { workerId: 'node-a', kind: 'node', processed: 4, stopping: true });
        const admin = ctx.h.transport(newAdmin());
        expect(await listWorkers(admin)).toEqual([expect.objectContaining({ workerId: 'node-a', alive: false, processed: 4 })]);
        const [stopped] = await rows();
        await report(service, { workerId: 'node-a', kind: 'node', processed: 0 });
        const [restarted] = await rows();
        expect(restarted!.stopped_at).toBeNull();
        expect(restarted!.started_at.getTime()).toBeGreaterThan(stopped!.started_at.getTime());
        expect(await listWorkers(admin)).toEqual([expect.objectContaining({ workerId: 'node-a', alive: true, processed: 0 })]);
      });

      it('a signed-in user reports only browser workers, under their own id', async () => {
        const ada = newUser();
        await report(ada, { workerId: 'ada-tab', kind: 'browser', running: 1, jobTypes: ['certificate'] });
        expect(await rows()).toEqual([expect.objectContaining({ worker_id: 'ada-tab', kind: 'browser', user_id: ada.id })]);
        for (const kind of ['node', 'edge'] as const) {
          await expect(report(ada, { workerId: `ada-${kind}`, kind })).rejects.toBeInstanceOf(NotAllowedError);
          await expect(report(newAdmin(), { workerId: `admin-${kind}`, kind })).rejects.toBeInstanceOf(NotAllowedError);
        }
        // The service role has no user to report a browser under.
        await expect(report(service, { workerId: 'svc-tab', kind: 'browser' })).rejects.toBeInstanceOf(ValidationError);
        await expect(rpc(anon, 'worker_heartbeat', { p_worker_id: 'anon-tab', p_kind: 'browser' })).rejects.toBeInstanceOf(
          NotAllowedError,
        );
        expect((await rows()).map((row) => row.worker_id)).toEqual(['ada-tab']);
      });

      it("refuses a worker id reported by someone else, and leaves that row as it was", async () => {
        const ada = newUser();
        const boris = newUser();
        await report(ada, { workerId: 'ada-tab', kind: 'browser', processed: 7 });
        await report(service, { workerId: 'node-1', kind: 'node', processed: 3 });
        const before = await rows();
        await expect(report(boris, { workerId: 'ada-tab', kind: 'browser' })).rejects.toBeInstanceOf(NotAllowedError);
        await expect(report(boris, { workerId: 'node-1', kind: 'browser' })).rejects.toBeInstanceOf(NotAllowedError);
        await expect(report(service, { workerId: 'ada-tab', kind: 'node' })).rejects.toBeInstanceOf(NotAllowedError);
        expect(await rows()).toEqual(before);
      });

      it('validates its arguments in SQL (22023 → ValidationError) and writes nothing', async () => {
        const ada = newUser();
        const bad: Array<Record<string, unknown>> = [
          { p_worker_id: 'w', p_kind: 'robot' },
          { p_worker_id: 'w', p_kind: null },
          { p_worker_id: '', p_kind: 'browser' },
          { p_worker_id: 'x'.repeat(201), p_kind: 'browser' },
          { p_worker_id: 'tab\u0007', p_kind: 'browser' },
          { p_worker_id: 'w', p_kind: 'browser', p_version: 'v'.repeat(101) },
          { p_worker_id: 'w', p_kind: 'browser', p_running: -1 },
          { p_worker_id: 'w', p_kind: 'browser', p_running: 10_001 },
          { p_worker_id: 'w', p_kind: 'browser', p_processed: -5 },
          { p_worker_id: 'w', p_kind: 'browser', p_failed: null },
          { p_worker_id: 'w', p_kind: 'browser', p_job_types: [] },
          { p_worker_id: 'w', p_kind: 'browser', p_job_types: ['Not A Type'] },
          { p_worker_id: 'w', p_kind: 'browser', p_job_types: Array.from({ length: 101 }, (_, i) => `t${i}`) },
        ];
        for (const args of bad) {
          await expect(rpc(ada, 'worker_heartbeat', args), JSON.stringify(args).slice(0, 80)).rejects.toBeInstanceOf(
            ValidationError,
          );
        }
        // The TypeScript edge refuses the same before any call.
        await expect(report(ada, { workerId: 'w', kind: 'browser', running: -1 })).rejects.toBeInstanceOf(ValidationError);
        expect(await rows()).toEqual([]);
      });

      it('keeps the 20 most recently seen browser workers of a user', async () => {
        const ada = newUser();
        const boris = newUser();
        await report(boris, { workerId: 'boris-tab', kind: 'browser' });
        for (let i = 0; i < 22; i += 1) {
          await report(ada, { workerId: `ada-tab-${String(i).padStart(2, '0')}`, kind: 'browser' });
          await age(`ada-tab-${String(i).padStart(2, '0')}`, 100 - i);
        }
        const left = (await rows()).filter((row) => row.user_id === ada.id).map((row) => row.worker_id);
        expect(left).toHaveLength(20);
        expect(left).not.toContain('ada-tab-00');
        expect(left).not.toContain('ada-tab-01');
        expect((await rows()).some((row) => row.worker_id === 'boris-tab')).toBe(true);
      });
    });

    describe('reading workers', () => {
      it('users read their own browser workers from the table; admins read all', async () => {
        const ada = newUser();
        await report(ada, { workerId: 'ada-tab', kind: 'browser' });
        await report(newUser(), { workerId: 'boris-tab', kind: 'browser' });
        await report(service, { workerId: 'node-1', kind: 'node' });
        expect(await ctx.h.sqlAs(ada, 'select worker_id from public.queue_workers')).toEqual([{ worker_id: 'ada-tab' }]);
        const all = await ctx.h.sqlAs<{ worker_id: string }>(newAdmin(), 'select worker_id from public.queue_workers order by 1');
        expect(all.map((row) => row.worker_id)).toEqual(['ada-tab', 'boris-tab', 'node-1']);
        await expect(ctx.h.sqlAs(ada, "delete from public.queue_workers where worker_id = 'ada-tab'")).rejects.toThrow(
          /permission denied/,
        );
      });

      it('list_workers: workers seen since p_since, newest first, alive = seen within 2 minutes', async () => {
        const ada = newUser();
        await report(service, { workerId: 'node-old', kind: 'node' });
        await age('node-old', 2 * 3600);
        await report(service, { workerId: 'node-quiet', kind: 'node' });
        await age('node-quiet', 3 * 60);
        await report(ada, { workerId: 'ada-tab', kind: 'browser', running: 1, processed: 2, jobTypes: ['certificate'] });
        const admin = ctx.h.transport(newAdmin());
        const listed = await listWorkers(admin);
        expect(listed.map((w) => [w.workerId, w.alive])).toEqual([
          ['ada-tab', true],
          ['node-quiet', false],
        ]);
        expect(listed[0]).toMatchObject({ kind: 'browser', userId: ada.id, jobTypes: ['certificate'], running: 1, processed: 2 });
        expect(listed[0]!.lastSeenAt).toBeInstanceOf(Date);
        expect((await listWorkers(admin, { sinceSeconds: 3 * 3600 })).map((w) => w.workerId)).toContain('node-old');
        expect(await listWorkers(admin, { limit: 1 })).toHaveLength(1);
        await expect(rpc(newAdmin(), 'list_workers', { p_since: '-1 hour' })).rejects.toBeInstanceOf(ValidationError);
        await expect(rpc(newAdmin(), 'list_workers', { p_limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      });

      it('list_workers and forget_worker refuse non-admins (42501); admins forget a worker', async () => {
        const ada = newUser();
        await report(ada, { workerId: 'ada-tab', kind: 'browser' });
        for (const caller of [ada, anon]) {
          await expect(rpc(caller, 'list_workers')).rejects.toBeInstanceOf(NotAllowedError);
          await expect(rpc(caller, 'forget_worker', { p_worker_id: 'ada-tab' })).rejects.toBeInstanceOf(NotAllowedError);
        }
        expect((await rows()).map((row) => row.worker_id)).toEqual(['ada-tab']);
        expect(await ctx.h.client(newAdmin()).forgetWorker('ada-tab')).toBe(true);
        expect(await ctx.h.client(service).forgetWorker('ada-tab')).toBe(false);
        expect(await rows()).toEqual([]);
      });

      it('tessera.prune_workers deletes workers not seen for 7 days', async () => {
        await report(service, { workerId: 'node-gone', kind: 'node' });
        await report(service, { workerId: 'node-yesterday', kind: 'node' });
        await age('node-gone', 8 * 86_400);
        await age('node-yesterday', 86_400);
        expect(await ctx.h.sql('select tessera.prune_workers() as n')).toEqual([{ n: 1 }]);
        expect((await rows()).map((row) => row.worker_id)).toEqual(['node-yesterday']);
        await expect(ctx.h.sqlAs(newAdmin(), 'select tessera.prune_workers()')).rejects.toThrow(/permission denied/);
      });

      it('run_maintenance prunes them with its daily cleanup (0024)', async () => {
        await report(service, { workerId: 'node-gone', kind: 'node' });
        await report(service, { workerId: 'node-today', kind: 'node' });
        await age('node-gone', 8 * 86_400);
        await callRpc(ctx.h.transport(newAdmin()), 'run_maintenance', {});
        expect((await rows()).map((row) => row.worker_id)).toEqual(['node-today']);
      });
    });

    describe('queue_health: no_live_worker', () => {
      it('alerts (critical) when a ready job waits over 30 s and no worker is alive; a matching worker clears it', async () => {
        await seedJobs(ctx.h, [{ jobType: 'report.build', ageSeconds: 60 }]);
        const health = await queueHealth(ctx.h.transport(service));
        expect(health.status).toBe('critical');
        expect(health.alerts).toContainEqual(
          expect.objectContaining({ code: 'no_live_worker', level: 'critical', value: 1, threshold: 0 }),
        );
        expect(health.alerts.find((alert) => alert.code === 'no_live_worker')!.message).toMatch(/report\.build/);

        await report(service, { workerId: 'node-1', kind: 'node', jobTypes: ['report.build'] });
        expect(await alertCodes()).not.toContain('no_live_worker');
        expect((await queueHealth(ctx.h.transport(service))).status).toBe('ok');
        // Stopped, or silent for over 2 minutes: not alive any more.
        await report(service, { workerId: 'node-1', kind: 'node', jobTypes: ['report.build'], stopping: true });
        expect(await alertCodes()).toContain('no_live_worker');
        await report(service, { workerId: 'node-1', kind: 'node', jobTypes: ['report.build'] });
        await age('node-1', 121);
        expect(await alertCodes()).toContain('no_live_worker');
      });

      it('a worker whose job types exclude the type does not count; one for any type does', async () => {
        await seedJobs(ctx.h, [{ jobType: 'report.build', ageSeconds: 60 }, { jobType: 'email.send', ageSeconds: 60 }]);
        await report(service, { workerId: 'node-email', kind: 'edge', jobTypes: ['email.send'] });
        const alert = (await queueHealth(ctx.h.transport(service))).alerts.find((a) => a.code === 'no_live_worker');
        expect(alert).toMatchObject({ value: 1 });
        expect(alert!.message).toMatch(/\(report\.build\)$/);
        await report(service, { workerId: 'node-any', kind: 'node' });
        expect(await alertCodes()).not.toContain('no_live_worker');
      });

      it("a user's job counts as served by that user's live browser for its type, not by another user's", async () => {
        const ada = newUser();
        const boris = newUser();
        await seedJobs(ctx.h, [{ jobType: 'certificate', userId: ada.id, ageSeconds: 60 }]);
        await report(boris, { workerId: 'boris-tab', kind: 'browser' });
        expect(await alertCodes()).toContain('no_live_worker');
        await report(ada, { workerId: 'ada-tab', kind: 'browser', jobTypes: ['email.send'] });
        expect(await alertCodes()).toContain('no_live_worker');
        await report(ada, { workerId: 'ada-tab', kind: 'browser', jobTypes: ['certificate'] });
        expect(await alertCodes()).not.toContain('no_live_worker');
        // A job without an owner is for server workers only.
        await seedJobs(ctx.h, [{ jobType: 'certificate', userId: null, ageSeconds: 60 }]);
        expect(await alertCodes()).toContain('no_live_worker');
      });

      it('looks at a bounded number of waiting jobs (the first 1000 in claim order) and says so', async () => {
        await ctx.h.sql(
          `insert into public.job_queue (job_type, run_at) select 'report.build', now() - interval '1 minute' from generate_series(1, 1200)`,
        );
        const alert = (await queueHealth(ctx.h.transport(service))).alerts.find((a) => a.code === 'no_live_worker');
        expect(alert).toMatchObject({ level: 'critical', value: 1000 });
        expect(alert!.message).toMatch(/counted among the first 1000 in claim order$/);
      });

      it('no alert for fresh, delayed or paused jobs; a user sees the alert for their own jobs only', async () => {
        const ada = newUser();
        await seedJobs(ctx.h, [
          { jobType: 'report.build', ageSeconds: 5 },
          { jobType: 'report.build', state: 'scheduled' },
          { jobType: 'paused.type', userId: ada.id, ageSeconds: 600 },
        ]);
        await rpc(service, 'pause_queue', { p_job_type: 'paused.type' });
        expect(await alertCodes()).not.toContain('no_live_worker');
        await rpc(service, 'resume_queue', { p_job_type: 'paused.type' });
        expect(await alertCodes()).toContain('no_live_worker');
        expect(await alertCodes(ada)).toContain('no_live_worker');
        expect(await alertCodes(newUser())).not.toContain('no_live_worker');
        // The whole queue paused: the paused alert says it, not this one.
        await rpc(service, 'pause_queue');
        expect(await alertCodes()).toEqual(expect.arrayContaining(['paused']));
        expect(await alertCodes()).not.toContain('no_live_worker');
      });
    });

    describe('job_wait_reason', () => {
      const reasonOf = async (actor: Actor, jobId: string) => (await jobWaitReason(ctx.h.transport(actor), jobId)).code;

      it('says who will take a ready job: browser, server, both, or no worker', async () => {
        const ada = newUser();
        const [jobId] = await seedJobs(ctx.h, [{ jobType: 'certificate', userId: ada.id, ageSeconds: 5 }]);
        const reason = await jobWaitReason(ctx.h.transport(ada), jobId!);
        expect(reason).toMatchObject({
          code: 'no_worker',
          message: 'no worker is running',
          status: 'pending',
          browser: false,
          server: false,
        });
        await report(ada, { workerId: 'ada-tab', kind: 'browser' });
        expect(await jobWaitReason(ctx.h.transport(ada), jobId!)).toMatchObject({
          code: 'browser',
          message: 'waiting for your browser: keep this tab open',
        });
        await report(service, { workerId: 'node-1', kind: 'node', jobTypes: ['email.send'] });
        expect(await reasonOf(ada, jobId!)).toBe('browser');
        await report(service, { workerId: 'node-1', kind: 'node', jobTypes: ['certificate'] });
        expect(await jobWaitReason(ctx.h.transport(ada), jobId!)).toMatchObject({
          code: 'browser_or_server',
          message: 'waiting for your browser or the server worker',
          browser: true,
          server: true,
        });
        await ctx.h.sql("delete from public.queue_workers where worker_id = 'ada-tab'");
        expect(await jobWaitReason(ctx.h.transport(ada), jobId!)).toMatchObject({
          code: 'server',
          message: 'waiting for the server worker',
        });
      });

      it('says paused, scheduled, running, stalled and finished', async () => {
        const ada = newUser();
        const [ready, later, running, stalled, done] = await seedJobs(ctx.h, [
          { jobType: 'report.build', userId: ada.id },
          { jobType: 'report.build', userId: ada.id, state: 'scheduled' },
          { jobType: 'report.build', userId: ada.id, state: 'processing' },
          { jobType: 'report.build', userId: ada.id, state: 'processing' },
          { jobType: 'report.build', userId: ada.id, state: 'completed' },
        ]);
        await ctx.h.sql("update public.job_queue set locked_until = now() - interval '1 second' where id = $1", [stalled]);
        expect(await reasonOf(ada, later!)).toBe('scheduled');
        expect(await reasonOf(ada, running!)).toBe('running');
        expect(await reasonOf(ada, stalled!)).toBe('stalled');
        expect(await reasonOf(ada, done!)).toBe('finished');
        await rpc(service, 'pause_queue', { p_job_type: 'report.build' });
        expect(await reasonOf(ada, ready!)).toBe('paused');
        expect(await reasonOf(ada, later!)).toBe('paused');
        await rpc(service, 'resume_queue', { p_job_type: 'report.build' });
        await rpc(service, 'pause_queue');
        expect(await reasonOf(ada, ready!)).toBe('paused');
      });

      it("is the caller's own job only: others get NotFoundError, anon NotAllowedError", async () => {
        const ada = newUser();
        const [jobId] = await seedJobs(ctx.h, [{ jobType: 'report.build', userId: ada.id }]);
        await expect(jobWaitReason(ctx.h.transport(newUser()), jobId!)).rejects.toBeInstanceOf(NotFoundError);
        await expect(jobWaitReason(ctx.h.transport(newAdmin()), jobId!)).rejects.toBeInstanceOf(NotFoundError);
        await expect(rpc(anon, 'job_wait_reason', { p_job_id: jobId })).rejects.toBeInstanceOf(NotAllowedError);
        expect(await reasonOf(service, jobId!)).toBe('no_worker');
      });
    });
  });
}
