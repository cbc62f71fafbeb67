import { expect, it } from 'vitest';
import { LeaseLostError, NotAllowedError, NotFoundError } from '../../src/errors';
import { anon, newAdmin, newUser, service } from '../support/harness';
import type { ContractContext } from './context';

export function securityContract(ctx: ContractContext): void {
  it('user B can neither see, claim, complete, cancel, retry nor delete user A’s job', async () => {
    const alice = newUser();
    const bob = newUser();
    const a = ctx.h.client(alice);
    const b = ctx.h.client(bob);
    const job = await a.enqueue({ jobType: 'private', payload: { secret: 'alice' } });

    await expect(b.get(job.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await b.list()).toEqual([]);
    expect(await ctx.h.sqlAs(bob, 'select id from public.job_queue')).toEqual([]);
    expect(await b.claim({ workerId: 'bob-tab', limit: 10 })).toEqual([]);
    await expect(b.cancel(job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.delete(job.id)).rejects.toBeInstanceOf(NotFoundError);

    await a.claim({ workerId: 'alice-tab' });
    // locked_by is readable by its owner, and could leak: knowing it must not be enough.
    await expect(b.heartbeat(job.id, 'alice-tab')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(b.complete(job.id, 'alice-tab', { forged: true })).rejects.toBeInstanceOf(LeaseLostError);
    await expect(b.fail(job.id, 'alice-tab', 'sabotage', false)).rejects.toBeInstanceOf(LeaseLostError);
    await a.fail(job.id, 'alice-tab', 'real failure', false);
    await expect(b.retry(job.id)).rejects.toBeInstanceOf(NotFoundError);

    const untouched = await a.get(job.id);
    expect(untouched).toMatchObject({ status: 'failed', errorMessage: 'real failure', result: null });
    expect(await ctx.h.sqlAs(alice, 'select id from public.job_queue')).toEqual([{ id: job.id }]);
  });

  it('an admin sees, cancels and retries anyone’s job', async () => {
    const owner = ctx.h.client(newUser());
    const admin = ctx.h.client(newAdmin());
    const job = await owner.enqueue({ jobType: 'watched' });
    expect((await admin.get(job.id)).id).toBe(job.id);
    expect((await admin.list()).map((row) => row.id)).toEqual([job.id]);
    expect((await admin.cancel(job.id)).status).toBe('cancelled');
    expect((await admin.retry(job.id)).status).toBe('pending');
  });

  it('a user cannot finish a job the service role leased, even knowing its worker id', async () => {
    const user = newUser();
    const client = ctx.h.client(user);
    const job = await client.enqueue({ jobType: 'server.side' });
    await ctx.h.client(service).claim({ workerId: 'node-1' });
    await expect(client.complete(job.id, 'node-1', { forged: true })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await ctx.h.client(service).complete(job.id, 'node-1', { real: true })).toMatchObject({
      status: 'completed',
      result: { real: true },
    });
  });

  it('the anon role can call no queue function', async () => {
    const nobody = ctx.h.client(anon);
    await expect(nobody.enqueue({ jobType: 'spam' })).rejects.toBeInstanceOf(NotAllowedError);
    await expect(nobody.claim({ workerId: 'x' })).rejects.toBeInstanceOf(NotAllowedError);
    await expect(nobody.stats()).rejects.toBeInstanceOf(NotAllowedError);
    expect(await nobody.isAdmin()).toBe(false);
    await expect(ctx.h.sqlAs(anon, 'select id from public.job_queue')).rejects.toThrow(/permission denied/);
  });

  it('a signed-in role without a user id is not authenticated', async () => {
    const noSub = ctx.h.client({ kind: 'anon' });
    await expect(noSub.list()).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('users cannot write job_queue directly: every change goes through the functions', async () => {
    const user = newUser();
    await expect(
      ctx.h.sqlAs(user, `insert into public.job_queue (job_type, user_id) values ('direct', $1)`, [user.id]),
    ).rejects.toThrow(/permission denied/);
    await ctx.h.client(user).enqueue({ jobType: 'mine' });
    await expect(ctx.h.sqlAs(user, `update public.job_queue set priority = 1`)).rejects.toThrow(/permission denied/);
    await expect(ctx.h.sqlAs(user, `delete from public.job_queue`)).rejects.toThrow(/permission denied/);
  });

  it('the service role by JWT claim claims any job, like a trusted connection', async () => {
    const job = await ctx.h.client(newUser()).enqueue({ jobType: 'any' });
    const [claimed] = await ctx.h.client({ kind: 'service-jwt' }).claim({ workerId: 'edge-fn' });
    expect(claimed?.id).toBe(job.id);
  });
}
