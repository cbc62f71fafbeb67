import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAllowedError, NotFoundError, ValidationError } from '../../packages/queue/src/errors';
import { adminListJobs, queueThroughput } from '../../packages/queue/src/rpc/admin';
import { callRpc } from '../../packages/queue/src/rpc/call';
import {
  anon,
  newAdmin,
  newUser,
  service,
  type Actor,
  type QueueHarness,
} from '../../packages/queue/test/support/harness';
import { describeAdminBulkContract } from './adminBulkContract';
import { seedJobs } from './adminFixtures';

// Every admin function, with arguments that would succeed for an admin.
const ADMIN_CALLS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['admin_list_jobs', {}],
  ['queue_throughput', {}],
  ['retry_jobs', { p_statuses: ['failed'] }],
  ['cancel_jobs', { p_statuses: ['pending'] }],
  ['delete_jobs', { p_statuses: ['completed'] }],
  ['promote_jobs', { p_statuses: ['scheduled'] }],
  ['promote_job', { p_job_id: '00000000-0000-4000-8000-000000000000' }],
  ['pause_queue', { p_job_type: 'report.build' }],
  ['resume_queue', { p_job_type: 'report.build' }],
  ['requeue_stalled', {}],
  ['cleanup_jobs', { p_older_than: '7 days' }],
  ['run_maintenance', {}],
  ['maintenance_mode', {}],
];

/** The admin dashboard's SQL (0011, 0012), the same on every backend. */
export function describeAdminContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`admin SQL on ${name}`, () => {
    const ctx = { h: undefined as unknown as QueueHarness };
    const rpc = (actor: Actor, fn: string, args?: Record<string, unknown>) => callRpc(ctx.h.transport(actor), fn, args);

    beforeAll(async () => {
      ctx.h = await createHarness();
    });
    afterAll(async () => {
      await ctx.h?.close();
    });
    beforeEach(async () => {
      await ctx.h.reset();
    });

    describe('access', () => {
      it.each(ADMIN_CALLS)('%s refuses attendees and anonymous callers (42501), and changes nothing', async (fn, args) => {
        const [jobId] = await seedJobs(ctx.h, [{ state: 'failed' }]);
        for (const caller of [newUser(), anon]) {
          const call = rpc(caller, fn, args);
          await expect(call).rejects.toBeInstanceOf(NotAllowedError);
          await expect(call).rejects.toMatchObject({ code: '42501' });
        }
        const [row] = await ctx.h.sql<{ status: string; paused: number }>(
          'select status, (select count(*)::int from public.queue_pauses) as paused from public.job_queue where id = $1',
          [jobId],
        );
        expect(row).toEqual({ status: 'failed', paused: 0 });
      });

      it('an attendee reads only their own job rows, by table and by every reading function', async () => {
        const ada = newUser();
        const boris = newUser();
        const [adaJob, borisJob] = await seedJobs(ctx.h, [{ userId: ada.id }, { userId: boris.id, state: 'failed' }]);
        expect(await ctx.h.sqlAs(ada, 'select id from public.job_queue')).toEqual([{ id: adaJob }]);
        await expect(rpc(ada, 'get_job', { p_job_id: borisJob })).rejects.toBeInstanceOf(NotFoundError);
        const listed = (await rpc(ada, 'list_jobs', {})) as Array<{ id: string }>;
        expect(listed.map((job) => job.id)).toEqual([adaJob]);
        const stats = (await rpc(ada, 'queue_stats')) as Array<{ failed: number; pending: number }>;
        expect(stats).toEqual([expect.objectContaining({ pending: 1, failed: 0 })]);
        await expect(rpc(ada, 'retry_job', { p_job_id: borisJob })).rejects.toBeInstanceOf(NotFoundError);
      });

      it('admins and the service role may call every admin function', async () => {
        for (const caller of [newAdmin(), service]) {
          for (const [fn, args] of ADMIN_CALLS) {
            if (fn === 'promote_job') continue; // needs a real job: covered with the bulk actions
            await expect(rpc(caller, fn, args)).resolves.not.toThrow();
          }
        }
      });
    });

    describe('admin_list_jobs', () => {
      it('filters by state (scheduled apart from pending), type, owner and error text', async () => {
        const ada = newUser();
        const [ready, later, , failedFont, failedNet] = await seedJobs(ctx.h, [
          { state: 'pending' },
          { state: 'scheduled' },
          { state: 'completed', jobType: 'certificate' },
          { state: 'failed', jobType: 'certificate', userId: ada.id, error: 'Font "Inter" missing' },
          { state: 'failed', error: 'network down' },
        ]);
        const admin = ctx.h.transport(newAdmin());
        const ids = async (input: Parameters<typeof adminListJobs>[1]) =>
          (await adminListJobs(admin, input)).map((job) => job.id);
        expect(await ids({ states: ['pending'] })).toEqual([ready]);
        expect(await ids({ states: ['scheduled'] })).toEqual([later]);
        expect(await ids({ states: ['failed'] })).toEqual([failedFont, failedNet]);
        expect(await ids({ jobType: 'certificate', states: ['failed'] })).toEqual([failedFont]);
        expect(await ids({ userId: ada.id })).toEqual([failedFont]);
        expect(await ids({ errorContains: 'font "inter"' })).toEqual([failedFont]);
        // LIKE wildcards in the search text are taken literally.
        expect(await ids({ errorContains: '%' })).toEqual([]);
        await expect(adminListJobs(admin, { states: ['waiting' as 'pending'] })).rejects.toBeInstanceOf(ValidationError);
        await expect(rpc(newAdmin(), 'admin_list_jobs', { p_statuses: ['waiting'] })).rejects.toThrow(/unknown state/);
      });

      it('pages through every job once, newest first, even when jobs share a created_at', async () => {
        await seedJobs(ctx.h, Array.from({ length: 7 }, (_, i) => ({ ageSeconds: 100 + i })));
        // Five jobs created in one transaction share their created_at: the id breaks the tie.
        await ctx.h.sql(`insert into public.job_queue (job_type) select 'tied' from generate_series(1, 5)`);
        const admin = ctx.h.transport(newAdmin());
        const seen: string[] = [];
        let before: { createdAt: Date; id: string } | undefined;
        for (;;) {
          const page = await adminListJobs(admin, { limit: 3, before });
          seen.push(...page.map((job) => job.id));
          if (page.length < 3) break;
          const last = page.at(-1)!;
          before = { createdAt: last.createdAt, id: last.id };
        }
        const [all] = await ctx.h.sql<{ ids: string[] }>(
          'select array_agg(id order by created_at desc, id desc) as ids from public.job_queue',
        );
        expect(seen).toEqual(all!.ids);
      });
    });

    describe('queue_throughput', () => {
      it('counts enqueued and finished jobs per bucket, every bucket present', async () => {
        await seedJobs(ctx.h, [
          { state: 'completed', ageSeconds: 30 * 60 },
          { state: 'completed', ageSeconds: 30 * 60 + 5 },
          { state: 'failed', ageSeconds: 30 * 60 + 10 },
          { state: 'cancelled', ageSeconds: 10 },
          { state: 'completed', ageSeconds: 3 * 3600 },
        ]);
        const buckets = await queueThroughput(ctx.h.transport(newAdmin()), {
          since: new Date(Date.now() - 3600_000),
          bucketSeconds: 300,
        });
        expect(buckets.length).toBeGreaterThanOrEqual(12);
        expect(buckets.length).toBeLessThanOrEqual(14);
        const total = (key: 'enqueued' | 'completed' | 'failed' | 'cancelled') =>
          buckets.reduce((sum, bucket) => sum + bucket[key], 0);
        expect({ enqueued: total('enqueued'), completed: total('completed'), failed: total('failed'), cancelled: total('cancelled') })
          .toEqual({ enqueued: 4, completed: 2, failed: 1, cancelled: 1 });
        const starts = buckets.map((bucket) => bucket.bucketStart.getTime());
        expect(starts.every((start, i) => i === 0 || start - starts[i - 1]! === 300_000)).toBe(true);
        await expect(rpc(newAdmin(), 'queue_throughput', { p_bucket: '1 month' })).rejects.toBeInstanceOf(
          ValidationError,
        );
        await expect(
          rpc(newAdmin(), 'queue_throughput', { p_since: new Date(Date.now() - 30 * 86_400_000), p_bucket: '1 second' }),
        ).rejects.toThrow(/at most 1440 buckets/);
      });
    });

    describeAdminBulkContract(ctx);
  });
}
