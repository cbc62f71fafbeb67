import { describe, expect, it } from 'vitest';
import { InvalidStateError, ValidationError } from '../../packages/queue/src/errors';
import {
  cancelJobs,
  deleteJobs,
  maintenanceMode,
  promoteJob,
  promoteJobs,
  retryJobs,
  runMaintenance,
} from '../../packages/queue/src/rpc/admin';
import { JOBS_CHANNEL } from '../../packages/queue/src/transport';
import { newAdmin, newUser, type QueueHarness } from '../../packages/queue/test/support/harness';
import { seedJobs, statusesOf } from './adminFixtures';

const ALL_STATES = ['pending', 'scheduled', 'processing', 'completed', 'failed', 'cancelled'] as const;

/** Bulk actions, promote and maintenance; part of describeAdminContract. */
export function describeAdminBulkContract(ctx: { h: QueueHarness }): void {
  const admin = () => ctx.h.transport(newAdmin());
  const seedOneOfEach = () => seedJobs(ctx.h, ALL_STATES.map((state) => ({ state })));

  describe('bulk actions', () => {
    it('retry_jobs takes only failed and cancelled jobs back to pending, from attempt 1', async () => {
      const ids = await seedOneOfEach();
      expect(await retryJobs(admin(), { jobIds: ids })).toBe(2);
      expect(await statusesOf(ctx.h, ids)).toEqual(['pending', 'pending', 'processing', 'completed', 'pending', 'pending']);
      const [retried] = await ctx.h.sql<{ attempts: number; errors: unknown[] }>(
        'select attempts, errors from public.job_queue where id = $1',
        [ids[4]],
      );
      expect(retried).toMatchObject({ attempts: 0, errors: [expect.objectContaining({ message: 'boom' })] });
    });

    it('retry_jobs by filter retries what the filter matches, and skips a job_key that is live again', async () => {
      const ada = newUser();
      const ids = await seedJobs(ctx.h, [
        { state: 'failed', jobType: 'certificate', userId: ada.id, jobKey: 'certificate:1', error: 'font missing' },
        { state: 'failed', jobType: 'certificate', userId: ada.id, jobKey: 'certificate:1', error: 'font missing' },
        { state: 'failed', jobType: 'certificate', error: 'font missing' },
        { state: 'failed', jobType: 'email.send', error: 'font missing' },
        { state: 'failed', jobType: 'certificate', error: 'timeout' },
      ]);
      const count = await retryJobs(admin(), { filter: { jobType: 'certificate', errorContains: 'font' } });
      // Of the two failures of one certificate, only the newest runs again (one live job per key).
      expect(count).toBe(2);
      expect(await statusesOf(ctx.h, ids)).toEqual(['pending', 'failed', 'pending', 'failed', 'failed']);
      expect(await retryJobs(admin(), { jobIds: [ids[1]!] })).toBe(0);
    });

    it('cancel_jobs cancels waiting jobs and asks running ones to stop', async () => {
      const ids = await seedOneOfEach();
      expect(await cancelJobs(admin(), { jobIds: ids })).toBe(3);
      expect(await statusesOf(ctx.h, ids)).toEqual([
        'cancelled',
        'cancelled',
        'processing',
        'completed',
        'failed',
        'cancelled',
      ]);
      const [running] = await ctx.h.sql<{ cancel_requested: boolean }>(
        'select cancel_requested from public.job_queue where id = $1',
        [ids[2]],
      );
      expect(running?.cancel_requested).toBe(true);
      expect(await cancelJobs(admin(), { jobIds: ids })).toBe(0);
    });

    it('delete_jobs deletes every targeted job except running ones', async () => {
      const ids = await seedOneOfEach();
      expect(await deleteJobs(admin(), { filter: { states: [...ALL_STATES] } })).toBe(5);
      expect(await statusesOf(ctx.h, ids)).toEqual(['deleted', 'deleted', 'processing', 'deleted', 'deleted', 'deleted']);
    });

    it('refuses a bulk action without ids or filter, rather than touching every job', async () => {
      await seedOneOfEach();
      await expect(deleteJobs(admin(), { filter: {} })).rejects.toBeInstanceOf(ValidationError);
      await expect(deleteJobs(admin(), { filter: {} })).rejects.toThrow(/give job ids or a filter/);
      expect(await deleteJobs(admin(), { jobIds: [] })).toBe(0);
      expect(await statusesOf(ctx.h, [])).toEqual([]);
    });
  });

  describe('promote', () => {
    it('promote_job runs a delayed job now and wakes the workers', async () => {
      const [later, running] = await seedJobs(ctx.h, [{ state: 'scheduled', jobType: 'digest' }, { state: 'processing' }]);
      const heard: string[] = [];
      const listener = ctx.h.transport(newAdmin());
      const unsubscribe = await listener.subscribe(JOBS_CHANNEL, (payload) => heard.push(payload));
      try {
        const job = await promoteJob(admin(), later!);
        expect(job.status).toBe('pending');
        expect(job.runAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
        await expect.poll(() => heard).toContain('digest');
      } finally {
        await unsubscribe();
      }
      await expect(promoteJob(admin(), running!)).rejects.toBeInstanceOf(InvalidStateError);
    });

    it('promote_jobs runs every delayed job of a filter now', async () => {
      const ids = await seedJobs(ctx.h, [{ state: 'scheduled' }, { state: 'scheduled', jobType: 'other' }, { state: 'pending' }]);
      expect(await promoteJobs(admin(), { filter: { states: ['scheduled'], jobType: 'report.build' } })).toBe(1);
      const rows = await ctx.h.sql<{ id: string; due: boolean }>(
        'select id, run_at <= now() as due from public.job_queue where id = any($1::uuid[])',
        [ids],
      );
      expect(ids.map((id) => rows.find((row) => row.id === id)?.due)).toEqual([true, false, true]);
    });
  });

  describe('maintenance', () => {
    it('run_maintenance requeues stalled jobs and cleans up, each once per period', async () => {
      await ctx.h.sql('delete from tessera.maintenance_runs'); // earlier tests ran it
      const [stalled, old] = await seedJobs(ctx.h, [{ state: 'processing' }, { state: 'completed', ageSeconds: 8 * 86_400 }]);
      await ctx.h.sql(`update public.job_queue set locked_until = now() - interval '1 minute' where id = $1`, [stalled]);
      const first = await runMaintenance(admin());
      expect(first).toMatchObject({ requeued: 1, cleaned: 1 });
      expect(await statusesOf(ctx.h, [stalled!, old!])).toEqual(['pending', 'deleted']);
      // Called again at once (by another worker, say): nothing is due yet.
      expect(await runMaintenance(admin())).toMatchObject({ requeued: null, cleaned: null });
      expect(await runMaintenance(admin(), { cleanupOlderThanSeconds: null, requeueEverySeconds: 0.001 })).toMatchObject({
        requeued: 0,
        cleaned: null,
      });
    });

    it('without pg_cron, maintenance is the workers’ job (0012 applied without error)', async () => {
      expect(await maintenanceMode(admin())).toBe('worker');
    });
  });
}
