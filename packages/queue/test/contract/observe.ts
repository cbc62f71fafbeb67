import { expect, it } from 'vitest';
import { NotAllowedError, ValidationError } from '../../src/errors';
import { callRpc } from '../../src/rpc/call';
import { newAdmin, newUser, service } from '../support/harness';
import { expireLease, type ContractContext } from './context';

export function observeContract(ctx: ContractContext): void {
  const svc = () => ctx.h.client(service);

  it('lists a user’s jobs newest first, filtered by status and type', async () => {
    const client = ctx.h.client(newUser());
    const a = await client.enqueue({ jobType: 'pdf' });
    const b = await client.enqueue({ jobType: 'email' });
    const c = await client.enqueue({ jobType: 'pdf' });
    await client.cancel(a.id);
    expect((await client.list()).map((job) => job.id)).toEqual([c.id, b.id, a.id]);
    expect((await client.list({ jobType: 'pdf' })).map((job) => job.id)).toEqual([c.id, a.id]);
    expect((await client.list({ statuses: ['cancelled'] })).map((job) => job.id)).toEqual([a.id]);
  });

  it('pages with a keyset that holds even when many jobs share created_at', async () => {
    const user = newUser();
    await ctx.h.sql(
      `insert into public.job_queue (job_type, user_id, created_at)
       select 'bulk', $1, '2026-01-01T00:00:00Z' from generate_series(1, 25)`,
      [user.id],
    );
    const client = ctx.h.client(user);
    const seen: string[] = [];
    let before: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await client.list({ limit: 10, before });
      if (page.length === 0) break;
      seen.push(...page.map((job) => job.id));
      const last = page.at(-1)!;
      before = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('pages without skipping rows created within the same millisecond (microsecond timestamps)', async () => {
    const user = newUser();
    await ctx.h.sql(
      `insert into public.job_queue (job_type, user_id, created_at)
       select 'micro', $1, timestamptz '2026-01-01 00:00:00.123' + make_interval(secs => n / 1000000.0)
         from generate_series(1, 12) n`,
      [user.id],
    );
    const client = ctx.h.client(user);
    const seen: string[] = [];
    let before: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await client.list({ limit: 5, before });
      if (page.length === 0) break;
      seen.push(...page.map((job) => job.id));
      before = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id };
    }
    expect(new Set(seen).size).toBe(12);
  });

  it('rejects an unknown status filter clearly', async () => {
    const attempt = callRpc(ctx.h.transport(newUser()), 'list_jobs', { p_statuses: ['done'] });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/unknown status 'done'/);
  });

  it('counts jobs per type and state, with the oldest waiting age', async () => {
    await ctx.h.sql(`insert into public.job_queue (job_type, run_at) values ('pdf', now() - interval '90 seconds')`);
    await svc().enqueue({ jobType: 'pdf', runAt: new Date(Date.now() + 3_600_000) });
    const running = await svc().enqueue({ jobType: 'email' });
    await svc().claim({ workerId: 'w', jobTypes: ['email'] });
    await svc().fail(running.id, 'w', 'x', false);
    const stats = await svc().stats();
    const pdf = stats.find((row) => row.jobType === 'pdf')!;
    expect(pdf).toMatchObject({ pending: 1, scheduled: 1, processing: 0, failed: 0, paused: false });
    expect(pdf.oldestPendingSeconds).toBeGreaterThanOrEqual(89);
    expect(stats.find((row) => row.jobType === 'email')).toMatchObject({ pending: 0, failed: 1 });
  });

  it('keeps an admin’s finished counts exact through every transition (counter rows vs. the table)', async () => {
    const admin = ctx.h.client(newAdmin());
    const truth = async () =>
      ctx.h.sql<{ job_type: string; completed: number; failed: number; cancelled: number }>(
        `select job_type,
                count(*) filter (where status = 'completed')::int as completed,
                count(*) filter (where status = 'failed')::int as failed,
                count(*) filter (where status = 'cancelled')::int as cancelled
           from public.job_queue group by job_type order by job_type`,
      );
    const counted = async () =>
      (await admin.stats()).map(({ jobType, completed, failed, cancelled }) => ({
        job_type: jobType,
        completed,
        failed,
        cancelled,
      }));

    // Bulk-loaded history, then every way a row enters or leaves a final state.
    await ctx.h.sql(`insert into public.job_queue (job_type, status, completed_at)
                     select 'tally', (array['completed', 'failed', 'cancelled'])[1 + n % 3], now() - interval '9 days'
                       from generate_series(1, 30) n`);
    const jobs = await svc().enqueueMany(
      Array.from({ length: 6 }, (_, i) => ({ jobType: i < 3 ? 'tally' : 'tally.b', maxAttempts: 1 })),
    );
    const claimed = await svc().claim({ workerId: 'w', limit: 4 });
    await svc().complete(claimed[0]!.id, 'w', {});
    await svc().fail(claimed[1]!.id, 'w', 'boom', false);
    await svc().cancel(jobs.find((job) => !claimed.some((c) => c.id === job.id))!.id);
    expect(await counted()).toEqual(await truth());

    await svc().retry(claimed[1]!.id); // failed → pending: leaves the failed count
    await admin.delete(claimed[0]!.id); // a completed row deleted
    await svc().cleanup(7 * 86_400); // bulk delete of the old history
    expect(await counted()).toEqual(await truth());
    expect((await counted()).find((row) => row.job_type === 'tally')).toMatchObject({ completed: 0 });
  });

  it('scopes stats to the caller’s own jobs unless admin', async () => {
    await ctx.h.client(newUser()).enqueue({ jobType: 'theirs' });
    const me = ctx.h.client(newUser());
    await me.enqueue({ jobType: 'mine' });
    expect((await me.stats()).map((row) => row.jobType)).toEqual(['mine']);
    expect((await ctx.h.client(newAdmin()).stats()).map((row) => row.jobType)).toEqual(['mine', 'theirs']);
  });

  it('reports health ok on a quiet queue and raises alerts for backlog and expired leases', async () => {
    expect(await svc().health()).toMatchObject({ status: 'ok', alerts: [] });
    await ctx.h.sql(`insert into public.job_queue (job_type) select 'bulk' from generate_series(1, 60)`);
    const [stuck] = await svc().claim({ workerId: 'w' });
    await expireLease(ctx.h, stuck!.id);
    const health = await svc().health();
    expect(health.status).toBe('warning');
    expect(health.alerts.map((alert) => alert.code).sort()).toEqual(['backlog', 'expired_leases']);
    expect(health.metrics).toMatchObject({ waiting: 59, expired_leases: 1 });
  });

  it('requeue_stalled returns expired leases to pending and fails those out of attempts', async () => {
    const retryable = await svc().enqueue({ jobType: 'stall', maxAttempts: 3 });
    const lastTry = await svc().enqueue({ jobType: 'stall', maxAttempts: 1 });
    const healthy = await svc().enqueue({ jobType: 'ok' });
    await svc().claim({ workerId: 'gone', limit: 3 });
    await expireLease(ctx.h, retryable.id);
    await expireLease(ctx.h, lastTry.id);
    expect(await svc().requeueStalled()).toBe(2);
    expect(await svc().get(retryable.id)).toMatchObject({ status: 'pending', attempts: 1 });
    const dead = await svc().get(lastTry.id);
    expect(dead.status).toBe('failed');
    expect(dead.errorMessage).toMatch(/lease expired: worker gone/);
    expect((await svc().get(healthy.id)).status).toBe('processing');
  });

  it('cleanup_jobs deletes finished jobs older than the interval and nothing else', async () => {
    await ctx.h.sql(`
      insert into public.job_queue (job_type, status, completed_at) values
        ('old', 'completed', now() - interval '8 days'),
        ('old', 'failed', now() - interval '31 days'), -- failed jobs are kept 30 days (0018)
        ('recent', 'completed', now() - interval '1 day')`);
    await ctx.h.sql(`insert into public.job_queue (job_type, created_at) values ('waiting', now() - interval '30 days')`);
    expect(await svc().cleanup(7 * 86_400)).toBe(2);
    const left = await ctx.h.sql<{ job_type: string }>('select job_type from public.job_queue order by job_type');
    expect(left.map((row) => row.job_type)).toEqual(['recent', 'waiting']);
    await expect(svc().cleanup(-1)).rejects.toBeInstanceOf(ValidationError);
  });

  it('maintenance is for admins and the service role only', async () => {
    const user = ctx.h.client(newUser());
    await expect(user.requeueStalled()).rejects.toBeInstanceOf(NotAllowedError);
    await expect(user.cleanup()).rejects.toBeInstanceOf(NotAllowedError);
    expect(await ctx.h.client(newAdmin()).cleanup()).toBe(0);
  });

  it('is_queue_admin is true for admins and the service role only', async () => {
    expect(await ctx.h.client(newUser()).isAdmin()).toBe(false);
    expect(await ctx.h.client(newAdmin()).isAdmin()).toBe(true);
    expect(await svc().isAdmin()).toBe(true);
    expect(await ctx.h.client({ kind: 'service-jwt' }).isAdmin()).toBe(true);
  });
}
