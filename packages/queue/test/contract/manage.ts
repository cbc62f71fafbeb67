import { expect, it } from 'vitest';
import { ConflictError, InvalidStateError, NotAllowedError } from '../../src/errors';
import { newAdmin, newUser, service } from '../support/harness';
import { countJobs, type ContractContext } from './context';

export function manageContract(ctx: ContractContext): void {
  const svc = () => ctx.h.client(service);

  it('cancels a pending job at once', async () => {
    const client = ctx.h.client(newUser());
    const job = await client.enqueue({ jobType: 'cancel.me' });
    const cancelled = await client.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.completedAt).toBeInstanceOf(Date);
    expect(await svc().claim({ workerId: 'w' })).toEqual([]);
    expect((await client.cancel(job.id)).status).toBe('cancelled'); // idempotent
  });

  it('asks a running job to stop: heartbeat reports it and the failure ends cancelled', async () => {
    const user = newUser();
    const client = ctx.h.client(user);
    const job = await client.enqueue({ jobType: 'long' });
    await svc().claim({ workerId: 'node' });
    const requested = await client.cancel(job.id);
    expect(requested).toMatchObject({ status: 'processing', cancelRequested: true });
    expect(await svc().heartbeat(job.id, 'node')).toBe(true);
    const ended = await svc().fail(job.id, 'node', 'aborted');
    expect(ended.status).toBe('cancelled');
  });

  it('refuses to cancel a finished job', async () => {
    const job = await svc().enqueue({ jobType: 'fin' });
    await svc().claim({ workerId: 'w' });
    await svc().complete(job.id, 'w');
    await expect(svc().cancel(job.id)).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('retries a failed job from attempt 1, keeping its error history', async () => {
    const user = newUser();
    const client = ctx.h.client(user);
    const job = await client.enqueue({ jobType: 'retry.me', maxAttempts: 1 });
    await client.claim({ workerId: 'tab' });
    await client.fail(job.id, 'tab', 'printer on fire');
    const retried = await client.retry(job.id);
    expect(retried).toMatchObject({ status: 'pending', attempts: 0, completedAt: null });
    expect(retried.errors.map((entry) => entry.message)).toEqual(['printer on fire']);
    const [claimed] = await client.claim({ workerId: 'tab' });
    expect(claimed?.attempts).toBe(1);
  });

  it('retries a cancelled job', async () => {
    const client = ctx.h.client(newUser());
    const job = await client.enqueue({ jobType: 'again' });
    await client.cancel(job.id);
    expect((await client.retry(job.id)).status).toBe('pending');
  });

  it('refuses to retry a pending, running or completed job', async () => {
    const client = ctx.h.client(newUser());
    const job = await client.enqueue({ jobType: 'busy' });
    await expect(client.retry(job.id)).rejects.toBeInstanceOf(InvalidStateError);
    await client.claim({ workerId: 'tab' });
    await expect(client.retry(job.id)).rejects.toThrow(/cannot retry a processing job/);
    await client.complete(job.id, 'tab');
    await expect(client.retry(job.id)).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('refuses a retry that would duplicate a live job_key', async () => {
    const client = ctx.h.client(newUser());
    const first = await client.enqueue({ jobType: 'keyed', jobKey: 'k' });
    await client.cancel(first.id);
    await client.enqueue({ jobType: 'keyed', jobKey: 'k' });
    await expect(client.retry(first.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('deletes a job that is not running, and refuses a running one', async () => {
    const client = ctx.h.client(newUser());
    const idle = await client.enqueue({ jobType: 'del' });
    await client.delete(idle.id);
    expect(await countJobs(ctx.h)).toBe(0);
    const running = await client.enqueue({ jobType: 'del' });
    await client.claim({ workerId: 'tab' });
    await expect(client.delete(running.id)).rejects.toThrow(/cannot delete a running job/);
  });

  it('pauses one job type: its jobs are skipped, others still run, stats say paused', async () => {
    const admin = ctx.h.client(newAdmin());
    await svc().enqueue({ jobType: 'email' });
    const pdf = await svc().enqueue({ jobType: 'pdf' });
    await admin.pause('email');
    const claimed = await svc().claim({ workerId: 'w', limit: 10 });
    expect(claimed.map((job) => job.id)).toEqual([pdf.id]);
    expect((await admin.stats()).find((row) => row.jobType === 'email')?.paused).toBe(true);
    await admin.resume('email');
    expect((await svc().claim({ workerId: 'w', limit: 10 })).map((job) => job.jobType)).toEqual(['email']);
  });

  it('pauses everything with a null job type, and resumes everything', async () => {
    const admin = ctx.h.client(newAdmin());
    await svc().enqueue({ jobType: 'a' });
    await svc().enqueue({ jobType: 'b' });
    await admin.pause();
    await admin.pause('a'); // a per-type pause under the global one
    expect(await svc().claim({ workerId: 'w', limit: 10 })).toEqual([]);
    expect((await admin.health()).alerts.map((alert) => alert.code)).toContain('paused');
    await admin.resume();
    expect(await svc().claim({ workerId: 'w', limit: 10 })).toHaveLength(2);
  });

  it('refuses pause and resume to anyone but an admin or the service role', async () => {
    const user = ctx.h.client(newUser());
    await expect(user.pause('email')).rejects.toBeInstanceOf(NotAllowedError);
    await expect(user.resume()).rejects.toBeInstanceOf(NotAllowedError);
    await svc().pause('email');
    await svc().resume('email');
  });
}
