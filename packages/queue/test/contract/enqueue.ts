import { expect, it } from 'vitest';
import { newUser, service } from '../support/harness';
import { countJobs, type ContractContext } from './context';

export function enqueueContract(ctx: ContractContext): void {
  it('enqueues a pending job owned by the calling user, with the documented defaults', async () => {
    const user = newUser();
    const before = Date.now();
    const job = await ctx.h.client(user).enqueue({ jobType: 'badge', payload: { eventId: 7 } });
    expect(job).toMatchObject({
      jobType: 'badge',
      payload: { eventId: 7 },
      status: 'pending',
      priority: 5,
      attempts: 0,
      maxAttempts: 3,
      progress: 0,
      userId: user.id,
      errors: [],
      cancelRequested: false,
    });
    expect(job.runAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(job.runAt.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('stores jobs enqueued by the service role with no owner', async () => {
    const job = await ctx.h.client(service).enqueue({ jobType: 'report.daily', priority: 2, maxAttempts: 5 });
    expect(job).toMatchObject({ userId: null, priority: 2, maxAttempts: 5 });
  });

  it('keeps a delayed job pending until its run_at', async () => {
    const runAt = new Date(Date.now() + 60_000);
    const job = await ctx.h.client(service).enqueue({ jobType: 'later', runAt });
    expect(Math.abs(job.runAt.getTime() - runAt.getTime())).toBeLessThan(1);
    expect(await ctx.h.client(service).claim({ workerId: 'w', limit: 10 })).toEqual([]);
  });

  it('returns the live job for a repeated job_key instead of writing a second row', async () => {
    const client = ctx.h.client(newUser());
    const first = await client.enqueue({ jobType: 'badge', jobKey: 'event-1', payload: { n: 1 } });
    const second = await client.enqueue({ jobType: 'badge', jobKey: 'event-1', payload: { n: 2 } });
    expect(second.id).toBe(first.id);
    expect(second.payload).toEqual({ n: 1 });
    expect(await countJobs(ctx.h)).toBe(1);
  });

  it('dedupes job_key per owner: two users may use the same key', async () => {
    const a = await ctx.h.client(newUser()).enqueue({ jobType: 'badge', jobKey: 'event-1' });
    const b = await ctx.h.client(newUser()).enqueue({ jobType: 'badge', jobKey: 'event-1' });
    expect(a.id).not.toBe(b.id);
    expect(await countJobs(ctx.h)).toBe(2);
  });

  it('dedupes job_key among the service role jobs too (owner null)', async () => {
    const a = await ctx.h.client(service).enqueue({ jobType: 'report', jobKey: 'daily-2026-11-24' });
    const b = await ctx.h.client(service).enqueue({ jobType: 'report', jobKey: 'daily-2026-11-24' });
    expect(b.id).toBe(a.id);
  });

  it('accepts the same job_key again once the earlier job is final', async () => {
    const user = newUser();
    const client = ctx.h.client(user);
    const first = await client.enqueue({ jobType: 'badge', jobKey: 'event-2' });
    const [claimed] = await client.claim({ workerId: 'tab-1' });
    expect(claimed?.id).toBe(first.id);
    await client.complete(first.id, 'tab-1', { ok: true });
    const second = await client.enqueue({ jobType: 'badge', jobKey: 'event-2' });
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('pending');
  });

  it('stores SQL-looking strings verbatim and harmlessly', async () => {
    const nasty = "x'); drop table public.job_queue; -- \" ; select pg_sleep(10); $$ \\";
    const job = await ctx.h
      .client(newUser())
      .enqueue({ jobType: 'badge', payload: { name: nasty, [nasty]: nasty }, jobKey: nasty });
    const fetched = await ctx.h.client(service).get(job.id);
    expect(fetched.payload).toEqual({ name: nasty, [nasty]: nasty });
    expect(fetched.jobKey).toBe(nasty);
    expect(await countJobs(ctx.h)).toBe(1);
  });

  it('stores unicode payloads unchanged', async () => {
    const payload = { name: 'Zoë Ἀθηνᾶ Дмитрий 李 🎓', rtl: 'שלום' };
    const job = await ctx.h.client(newUser()).enqueue({ jobType: 'badge', payload });
    expect((await ctx.h.client(service).get(job.id)).payload).toEqual(payload);
  });

  it('notifies tessera_jobs with the job type so sleeping workers wake at once', async () => {
    const received: string[] = [];
    const transport = ctx.h.transport(service);
    const unsubscribe = await transport.subscribe('tessera_jobs', (payload) => received.push(payload));
    try {
      await ctx.h.client(newUser()).enqueue({ jobType: 'wake.me' });
      await expect.poll(() => received, { timeout: 5_000 }).toContain('wake.me');
    } finally {
      await unsubscribe();
      await transport.close();
    }
  });
}
