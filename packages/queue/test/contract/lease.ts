import { expect, it } from 'vitest';
import { LeaseLostError } from '../../src/errors';
import { callRpc } from '../../src/rpc/call';
import { newUser, service } from '../support/harness';
import { expireLease, makeDue, type ContractContext } from './context';

export function leaseContract(ctx: ContractContext): void {
  const svc = () => ctx.h.client(service);

  it('claims by priority (1 first), then run_at, then id', async () => {
    const low = await svc().enqueue({ jobType: 'order', priority: 9 });
    const high = await svc().enqueue({ jobType: 'order', priority: 1 });
    const older = await svc().enqueue({ jobType: 'order', priority: 5, runAt: new Date(Date.now() - 60_000) });
    const newer = await svc().enqueue({ jobType: 'order', priority: 5, runAt: new Date(Date.now() - 30_000) });
    const order: string[] = [];
    for (;;) {
      const [job] = await svc().claim({ workerId: 'w' });
      if (!job) break;
      order.push(job.id);
    }
    expect(order).toEqual([high.id, older.id, newer.id, low.id]);
  });

  it('marks claimed jobs processing, counts the attempt and sets the lease', async () => {
    const job = await svc().enqueue({ jobType: 'lease' });
    const [claimed] = await svc().claim({ workerId: 'node-1', leaseSeconds: 120 });
    expect(claimed).toMatchObject({ id: job.id, status: 'processing', attempts: 1, lockedBy: 'node-1' });
    const leaseMs = claimed!.lockedUntil!.getTime() - claimed!.startedAt!.getTime();
    expect(leaseMs).toBeGreaterThan(119_000);
    expect(leaseMs).toBeLessThan(121_000);
  });

  it('claims at most p_limit jobs and only the requested job types', async () => {
    for (let i = 0; i < 5; i += 1) await svc().enqueue({ jobType: 'email' });
    await svc().enqueue({ jobType: 'pdf' });
    const emails = await svc().claim({ workerId: 'w', limit: 3, jobTypes: ['email'] });
    expect(emails).toHaveLength(3);
    expect(emails.every((job) => job.jobType === 'email')).toBe(true);
    const rest = await svc().claim({ workerId: 'w', limit: 10, jobTypes: ['pdf'] });
    expect(rest.map((job) => job.jobType)).toEqual(['pdf']);
  });

  it('get_next_job claims a single job', async () => {
    await svc().enqueue({ jobType: 'one' });
    await svc().enqueue({ jobType: 'one' });
    const rows = await callRpc(ctx.h.transport(service), 'get_next_job', { p_worker_id: 'w' });
    expect(rows).toHaveLength(1);
    expect((rows as Array<{ status: string }>)[0]?.status).toBe('processing');
  });

  it('heartbeat extends the lease, stores progress and reports no cancel', async () => {
    const job = await svc().enqueue({ jobType: 'beat' });
    const [claimed] = await svc().claim({ workerId: 'w', leaseSeconds: 30 });
    const cancel = await svc().heartbeat(job.id, 'w', { progress: 42, leaseSeconds: 600 });
    expect(cancel).toBe(false);
    const after = await svc().get(job.id);
    expect(after.progress).toBe(42);
    expect(after.lockedUntil!.getTime()).toBeGreaterThan(claimed!.lockedUntil!.getTime() + 500_000);
  });

  it('only the lease holder may heartbeat, complete or fail: others get lease lost', async () => {
    const job = await svc().enqueue({ jobType: 'held' });
    await svc().claim({ workerId: 'holder' });
    await expect(svc().heartbeat(job.id, 'intruder')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(svc().complete(job.id, 'intruder', { stolen: true })).rejects.toThrow('lease lost');
    await expect(svc().fail(job.id, 'intruder', 'nope')).rejects.toBeInstanceOf(LeaseLostError);
    expect(await svc().get(job.id)).toMatchObject({ status: 'processing', lockedBy: 'holder', result: null });
  });

  it('complete_job stores the result and finishes the job', async () => {
    const job = await svc().enqueue({ jobType: 'done' });
    await svc().claim({ workerId: 'w' });
    const completed = await svc().complete(job.id, 'w', { url: '/certificates/1.pdf' });
    expect(completed).toMatchObject({ status: 'completed', progress: 100, result: { url: '/certificates/1.pdf' } });
    expect(completed.completedAt).toBeInstanceOf(Date);
    expect(completed.lockedUntil).toBeNull();
    await expect(svc().complete(job.id, 'w', {})).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('reclaims a job whose lease expired; the old holder can then no longer finish it', async () => {
    const job = await svc().enqueue({ jobType: 'stall' });
    await svc().claim({ workerId: 'dead-worker' });
    expect(await svc().claim({ workerId: 'rescuer' })).toEqual([]);
    await expireLease(ctx.h, job.id);
    const [reclaimed] = await svc().claim({ workerId: 'rescuer' });
    expect(reclaimed).toMatchObject({ id: job.id, attempts: 2, lockedBy: 'rescuer' });
    await expect(svc().complete(job.id, 'dead-worker', {})).rejects.toBeInstanceOf(LeaseLostError);
    expect(await svc().complete(job.id, 'rescuer', { ok: 1 })).toMatchObject({ status: 'completed' });
  });

  it('retries with exponential backoff and jitter, keeps every error, and fails after max_attempts', async () => {
    const job = await svc().enqueue({ jobType: 'flaky', maxAttempts: 3 });
    // Delay after attempt n is 2·2^(n-1) s × jitter in [0.75, 1.25): [1.5, 2.5) s, then [3, 5) s.
    const windows: Array<[number, number]> = [
      [1_500, 2_500],
      [3_000, 5_000],
    ];
    for (const [attempt, [min, max]] of windows.entries()) {
      await makeDue(ctx.h, job.id);
      const [claimed] = await svc().claim({ workerId: 'w' });
      expect(claimed?.attempts).toBe(attempt + 1);
      await svc().heartbeat(job.id, 'w', { progress: 60 });
      const failedAt = Date.now();
      const failed = await svc().fail(job.id, 'w', `boom ${attempt + 1}`);
      expect(failed).toMatchObject({ status: 'pending', progress: 0 });
      expect(failed.errorMessage).toBe(`boom ${attempt + 1}`);
      const delay = failed.runAt.getTime() - failedAt;
      expect(delay).toBeGreaterThan(min - 1_000);
      expect(delay).toBeLessThan(max + 1_000);
      expect(await svc().claim({ workerId: 'w' })).toEqual([]); // not before run_at
    }
    await makeDue(ctx.h, job.id);
    await svc().claim({ workerId: 'w' });
    const dead = await svc().fail(job.id, 'w', 'boom 3');
    expect(dead).toMatchObject({ status: 'failed', attempts: 3, errorMessage: 'boom 3' });
    expect(dead.completedAt).toBeInstanceOf(Date);
    expect(dead.errors.map((entry) => [entry.attempt, entry.message])).toEqual([
      [1, 'boom 1'],
      [2, 'boom 2'],
      [3, 'boom 3'],
    ]);
    await makeDue(ctx.h, job.id);
    expect(await svc().claim({ workerId: 'w' })).toEqual([]);
  });

  it('the backoff grows exponentially and is capped at one hour', async () => {
    const rows = await ctx.h.sql<{ attempt: number; lo: number; hi: number }>(`
      select n as attempt, min(extract(epoch from tessera.backoff_delay(n)))::float8 as lo,
             max(extract(epoch from tessera.backoff_delay(n)))::float8 as hi
        from generate_series(1, 14) n, generate_series(1, 50) s group by n order by n`);
    for (const { attempt, lo, hi } of rows) {
      const base = Math.min(3_600, 2 * 2 ** (attempt - 1));
      expect(lo).toBeGreaterThanOrEqual(Math.min(3_600, base * 0.75) - 1e-6);
      expect(hi).toBeLessThanOrEqual(Math.min(3_600, base * 1.25) + 1e-6);
    }
    expect(rows.at(-1)?.hi).toBeLessThanOrEqual(3_600);
    expect(rows.at(-1)?.lo).toBeGreaterThan(2_000);
  });

  it('a non-retryable failure fails the job at once', async () => {
    const job = await svc().enqueue({ jobType: 'fatal', maxAttempts: 5 });
    await svc().claim({ workerId: 'w' });
    expect(await svc().fail(job.id, 'w', 'bad payload', false)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('release_jobs hands jobs back at once without counting the attempt', async () => {
    const a = await svc().enqueue({ jobType: 'rel' });
    const b = await svc().enqueue({ jobType: 'rel' });
    await svc().claim({ workerId: 'stopping', limit: 2 });
    const released = await svc().release([a.id, b.id, '00000000-0000-0000-0000-000000000000'], 'stopping');
    expect(released.sort()).toEqual([a.id, b.id].sort());
    expect(await svc().get(a.id)).toMatchObject({ status: 'pending', attempts: 0, lockedUntil: null });
    const again = await svc().claim({ workerId: 'next', limit: 2 });
    expect(again).toHaveLength(2);
    expect(await svc().release([a.id], 'stopping')).toEqual([]);
  });

  it('lets a user worker claim only its own jobs while the service role claims any', async () => {
    const alice = newUser();
    const bob = newUser();
    const aliceJob = await ctx.h.client(alice).enqueue({ jobType: 'mine' });
    const bobJob = await ctx.h.client(bob).enqueue({ jobType: 'mine' });
    const aliceClaims = await ctx.h.client(alice).claim({ workerId: 'alice-tab', limit: 10 });
    expect(aliceClaims.map((job) => job.id)).toEqual([aliceJob.id]);
    const serviceClaims = await svc().claim({ workerId: 'node', limit: 10 });
    expect(serviceClaims.map((job) => job.id)).toEqual([bobJob.id]);
  });
}
