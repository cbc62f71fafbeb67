import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { NotAllowedError, RateLimitedError, ValidationError } from '../../src/errors';
import { callRpc } from '../../src/rpc/call';
import type { JobTypeSettingsInput } from '../../src/rpc/policies';
import { newAdmin, newUser, service, type Actor } from '../support/harness';
import { countJobs, makeDue, type ContractContext } from './context';

/** Types these tests configure all start with `pol.`; their settings are removed after each test. */
export const POLICY_TYPE_PREFIX = 'pol.';

export function cleanPolicySettings(ctx: ContractContext): void {
  afterEach(async () => {
    await ctx.h.sql(`delete from public.job_type_settings where job_type like 'pol.%'`);
  });
}

export function policiesContract(ctx: ContractContext): void {
  const svc = () => ctx.h.client(service);
  const admin = () => ctx.h.client(newAdmin());
  const configure = (jobType: string, settings: JobTypeSettingsInput) => svc().setJobTypeSettings(jobType, settings);
  /** Seconds between a failed job's run_at and the failure (both now() of that transaction). */
  const backoffSeconds = async (jobId: string) => {
    const [row] = await ctx.h.sql<{ seconds: number }>(
      'select extract(epoch from run_at - updated_at)::float8 as seconds from public.job_queue where id = $1',
      [jobId],
    );
    return row!.seconds;
  };
  cleanPolicySettings(ctx);

  describe('set_job_type_settings / get_job_type_settings', () => {
    it('creates a type’s settings, merges partial updates, resets a key with null, and lists them', async () => {
      const created = await admin().setJobTypeSettings('pol.report', {
        timeoutSeconds: 120,
        backoff: { kind: 'fixed', baseSeconds: 5 },
        keepFailed: '90 days',
      });
      expect(created).toMatchObject({
        jobType: 'pol.report',
        userEnqueue: true,
        userPriorityFloor: 1,
        rateLimitPerMinute: null,
        timeoutSeconds: 120,
        backoff: { kind: 'fixed', baseSeconds: 5, capSeconds: 3600, jitter: 0.25 },
        keepCompleted: null,
        keepFailed: '90 days',
      });
      const merged = await svc().setJobTypeSettings('pol.report', {
        rateLimitPerMinute: 10,
        backoff: { jitter: 0 },
        keepCompleted: 3600,
        timeoutSeconds: null,
      });
      expect(merged).toMatchObject({
        timeoutSeconds: null,
        rateLimitPerMinute: 10,
        backoff: { kind: 'fixed', baseSeconds: 5, jitter: 0 },
        keepCompleted: '01:00:00',
        keepFailed: '90 days',
      });
      const user = ctx.h.client(newUser());
      const listed = await user.jobTypeSettings();
      expect(listed.find((row) => row.jobType === 'pol.report')).toEqual(merged);
      // Seeded: users may not create certificate jobs themselves.
      expect(listed.find((row) => row.jobType === 'certificate')).toMatchObject({ userEnqueue: false });
    });

    it('is for admins only; users may read', async () => {
      await expect(ctx.h.client(newUser()).setJobTypeSettings('pol.x', { timeoutSeconds: 5 })).rejects.toBeInstanceOf(
        NotAllowedError,
      );
      expect(await ctx.h.sql(`select 1 from public.job_type_settings where job_type = 'pol.x'`)).toEqual([]);
    });

    it.each([
      [{ nope: 1 }, /unknown setting 'nope'/],
      [{ user_enqueue: 'no' }, /user_enqueue must be true or false, got string/],
      [{ user_priority_floor: 11 }, /user_priority_floor must be a whole number from 1 to 10, got 11/],
      [{ rate_limit_per_minute: 1.5 }, /rate_limit_per_minute must be a whole number/],
      [{ timeout_seconds: 0 }, /timeout_seconds must be a whole number from 1 to 86400, got 0/],
      [{ timeout_seconds: '60' }, /timeout_seconds must be a whole number/],
      [{ default_max_attempts: 26 }, /default_max_attempts must be a whole number from 1 to 25/],
      [{ keep_failed: 'forever' }, /keep_failed must be seconds \(a number\) or an interval/],
      [{ keep_completed: -5 }, /keep_completed must be seconds/],
      [{ server_fallback_after_seconds: -1 }, /server_fallback_after_seconds must be a whole number from 0/],
      [{ backoff: 'fast' }, /backoff must be an object/],
      [{ backoff: { kind: 'linear' } }, /backoff.kind must be 'exponential' or 'fixed'/],
      [{ backoff: { factor: 2 } }, /unknown backoff key 'factor'/],
      [{ backoff: { jitter: 2 } }, /backoff.jitter must be a number from 0 to 1/],
      [{ backoff: { base_seconds: 60, cap_seconds: 10 } }, /backoff.cap_seconds \(10\) must be at least backoff.base_seconds \(60\)/],
    ])('refuses %j with a clear error naming the key, and writes nothing', async (settings, message) => {
      const attempt = callRpc(ctx.h.transport(service), 'set_job_type_settings', {
        p_job_type: 'pol.bad',
        p_settings: settings,
      });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ code: '22023', message: expect.stringMatching(message) });
      expect(await ctx.h.sql(`select 1 from public.job_type_settings where job_type = 'pol.bad'`)).toEqual([]);
    });

    it('refuses settings that are not an object, and a bad job type', async () => {
      const rpc = (args: Record<string, unknown>) => callRpc(ctx.h.transport(service), 'set_job_type_settings', args);
      await expect(rpc({ p_job_type: 'pol.a', p_settings: [1] })).rejects.toThrow(/settings must be a JSON object, got array/);
      await expect(rpc({ p_job_type: 'Bad Type', p_settings: {} })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('who may enqueue a type (user_enqueue)', () => {
    it('a user cannot enqueue a certificate job directly, alone or in a batch; nothing is written', async () => {
      const user = ctx.h.client(newUser());
      const direct = user.enqueue({ jobType: 'certificate', payload: { serial: 'forged' } });
      await expect(direct).rejects.toBeInstanceOf(NotAllowedError);
      await expect(direct).rejects.toThrow(/not allowed: users cannot enqueue certificate jobs/);
      await expect(user.enqueueMany([{ jobType: 'pol.fine' }, { jobType: 'certificate' }])).rejects.toThrow(
        /^jobs\[1\]: not allowed: users cannot enqueue certificate jobs/,
      );
      expect(await countJobs(ctx.h)).toBe(0);
    });

    it('the service role and admins may', async () => {
      expect(await svc().enqueue({ jobType: 'certificate' })).toMatchObject({ userId: null });
      const adminActor = newAdmin();
      expect(await ctx.h.client(adminActor).enqueueMany([{ jobType: 'certificate' }])).toMatchObject([
        { userId: adminActor.id },
      ]);
    });

    it('request_certificate still enqueues the certificate job it builds', async () => {
      const user = newUser();
      const eventId = randomUUID();
      await ctx.h.sql(`insert into public.events (id, title, starts_on, location) values ($1, 'Policy Day', '2026-05-04', 'Porto')`, [
        eventId,
      ]);
      await ctx.h.sql(`insert into public.event_registrations (event_id, user_id, attendee_name) values ($1, $2, 'Ada')`, [
        eventId,
        user.id,
      ]);
      try {
        const job = (await callRpc(ctx.h.transport(user), 'request_certificate', { p_event_id: eventId })) as Record<string, unknown>;
        expect(job).toMatchObject({ job_type: 'certificate', status: 'pending', user_id: user.id, priority: 3 });
        expect(job.payload).toMatchObject({ attendee_name: 'Ada', event_title: 'Policy Day' });
      } finally {
        await ctx.h.sql('delete from public.events where id = $1', [eventId]);
      }
    });
  });

  describe('priority floor (user_priority_floor)', () => {
    it('refuses a user a priority number below the floor; admins and the service role are not limited', async () => {
      await configure('pol.bulk', { userPriorityFloor: 3 });
      const user = ctx.h.client(newUser());
      const attempt = user.enqueue({ jobType: 'pol.bulk', priority: 1 });
      await expect(attempt).rejects.toBeInstanceOf(NotAllowedError);
      await expect(attempt).rejects.toThrow(/priority 1 for pol\.bulk jobs \(users may ask for 3 to 10/);
      await expect(user.enqueueMany([{ jobType: 'pol.bulk', priority: 4 }, { jobType: 'pol.bulk', priority: 2 }])).rejects.toThrow(
        /^jobs\[1\]: not allowed: priority 2/,
      );
      expect(await countJobs(ctx.h)).toBe(0);
      expect(await user.enqueue({ jobType: 'pol.bulk', priority: 3 })).toMatchObject({ priority: 3 });
      expect(await user.enqueue({ jobType: 'pol.bulk' })).toMatchObject({ priority: 5 });
      expect(await admin().enqueue({ jobType: 'pol.bulk', priority: 1 })).toMatchObject({ priority: 1 });
      expect(await svc().enqueue({ jobType: 'pol.bulk', priority: 1 })).toMatchObject({ priority: 1 });
    });

    it('raises a user’s omitted priority to a floor above the default 5', async () => {
      await configure('pol.low', { userPriorityFloor: 8 });
      const user = ctx.h.client(newUser());
      expect(await user.enqueue({ jobType: 'pol.low' })).toMatchObject({ priority: 8 });
      expect((await user.enqueueMany([{ jobType: 'pol.low' }, { jobType: 'pol.other' }])).map((job) => job.priority)).toEqual([8, 5]);
      expect(await svc().enqueue({ jobType: 'pol.low' })).toMatchObject({ priority: 5 });
    });
  });

  describe('rate limit (rate_limit_per_minute)', () => {
    it('refuses the 61st job within a minute with a retry-after, writing no row; others are not limited', async () => {
      await configure('pol.chat', { rateLimitPerMinute: 60 });
      const actor = newUser();
      const user = ctx.h.client(actor);
      for (let i = 0; i < 60; i += 1) await user.enqueue({ jobType: 'pol.chat', payload: { i } });
      const attempt = user.enqueue({ jobType: 'pol.chat', payload: { i: 60 } });
      await expect(attempt).rejects.toBeInstanceOf(RateLimitedError);
      const refused = (await attempt.catch((error: unknown) => error)) as RateLimitedError;
      expect(refused.message).toMatch(/^rate limited: at most 60 pol\.chat jobs per minute per user/);
      expect(refused.code).toBe('PT429');
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(await countJobs(ctx.h)).toBe(60);
      // Other types, other users, admins and the service role are not held to it.
      await user.enqueue({ jobType: 'pol.other' });
      await ctx.h.client(newUser()).enqueue({ jobType: 'pol.chat' });
      await admin().enqueue({ jobType: 'pol.chat' });
      await svc().enqueue({ jobType: 'pol.chat' });
      expect(await countJobs(ctx.h)).toBe(64);
    });

    it('counts every job of a batch, is not reset by deleting jobs, and frees up as the minute passes', async () => {
      await configure('pol.sms', { rateLimitPerMinute: 3 });
      const actor = newUser();
      const user = ctx.h.client(actor);
      const first = await user.enqueueMany([{ jobType: 'pol.sms' }, { jobType: 'pol.sms' }]);
      await expect(user.enqueueMany([{ jobType: 'pol.sms' }, { jobType: 'pol.sms' }])).rejects.toBeInstanceOf(RateLimitedError);
      await expect(user.enqueueMany([{ jobType: 'pol.sms' }, { jobType: 'pol.sms' }, { jobType: 'pol.sms' }, { jobType: 'pol.sms' }])).rejects.toThrow(
        /4 pol\.sms jobs in one call, but at most 3 per minute/,
      );
      expect(await countJobs(ctx.h)).toBe(2);
      for (const job of first) await user.delete(job.id);
      await user.enqueue({ jobType: 'pol.sms' });
      await expect(user.enqueue({ jobType: 'pol.sms' })).rejects.toBeInstanceOf(RateLimitedError);
      // A minute later the first batch has left the window.
      await ctx.h.sql(
        `update tessera.enqueue_rate_log set enqueued_at = enqueued_at - interval '61 seconds'
          where user_id = $1 and jobs = 2`,
        [actor.id],
      );
      await expect(user.enqueueMany([{ jobType: 'pol.sms' }, { jobType: 'pol.sms' }])).resolves.toHaveLength(2);
    });
  });

  describe('type defaults at enqueue (timeout_seconds, default_max_attempts)', () => {
    it('copies the type’s timeout and default attempts into the row; an explicit max_attempts wins', async () => {
      await configure('pol.render', { timeoutSeconds: 30, defaultMaxAttempts: 7 });
      const user = ctx.h.client(newUser());
      expect(await user.enqueue({ jobType: 'pol.render' })).toMatchObject({ timeoutSeconds: 30, maxAttempts: 7 });
      expect(await user.enqueue({ jobType: 'pol.render', maxAttempts: 2 })).toMatchObject({ maxAttempts: 2 });
      expect(await svc().enqueueMany([{ jobType: 'pol.render' }, { jobType: 'pol.plain' }])).toMatchObject([
        { timeoutSeconds: 30, maxAttempts: 7 },
        { timeoutSeconds: null, maxAttempts: 3 },
      ]);
    });
  });

  describe('backoff per type', () => {
    /** Claims the job again (made due) and fails it, returning the backoff it got. */
    const failOnce = async (jobId: string, bulk = false) => {
      await makeDue(ctx.h, jobId);
      const [claimed] = await svc().claim({ workerId: 'w', jobTypes: [(await svc().get(jobId)).jobType] });
      expect(claimed?.id).toBe(jobId);
      if (bulk) await svc().failMany([{ jobId, error: 'boom' }], 'w');
      else await svc().fail(jobId, 'w', 'boom');
      return backoffSeconds(jobId);
    };

    it('fixed: every retry waits base_seconds (jitter 0: exactly)', async () => {
      await configure('pol.fixed', { backoff: { kind: 'fixed', baseSeconds: 5, jitter: 0 } });
      const job = await svc().enqueue({ jobType: 'pol.fixed', maxAttempts: 4 });
      expect([await failOnce(job.id), await failOnce(job.id, true), await failOnce(job.id)]).toEqual([5, 5, 5]);
    });

    it('exponential: min(cap, base·2^(n−1)), in fail_job and fail_jobs alike', async () => {
      await configure('pol.exp', { backoff: { kind: 'exponential', baseSeconds: 1.5, capSeconds: 10, jitter: 0 } });
      const job = await svc().enqueue({ jobType: 'pol.exp', maxAttempts: 6 });
      const delays = [];
      for (let attempt = 1; attempt <= 5; attempt += 1) delays.push(await failOnce(job.id, attempt % 2 === 0));
      expect(delays).toEqual([1.5, 3, 6, 10, 10]);
    });

    it('jitter spreads the delay within ±jitter; a type without settings keeps the default formula', async () => {
      await configure('pol.jitter', { backoff: { kind: 'fixed', baseSeconds: 100, jitter: 0.5 } });
      const jittered = await svc().enqueue({ jobType: 'pol.jitter', maxAttempts: 2 });
      const delay = await failOnce(jittered.id);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThan(150);
      const plain = await svc().enqueue({ jobType: 'pol.none', maxAttempts: 2 });
      const plainDelay = await failOnce(plain.id);
      expect(plainDelay).toBeGreaterThanOrEqual(1.5);
      expect(plainDelay).toBeLessThan(2.5);
    });
  });

  describe('retention (keep_completed, keep_failed)', () => {
    const insertFinished = (rows: Array<[string, string, string]>) =>
      ctx.h.sql(
        `insert into public.job_queue (job_type, status, completed_at)
         select t, s, now() - a::interval from unnest($1::text[], $2::text[], $3::text[]) r(t, s, a)`,
        [rows.map((row) => row[0]), rows.map((row) => row[1]), rows.map((row) => row[2])],
      );
    const remaining = async () =>
      (await ctx.h.sql<{ k: string }>(`select job_type || ' ' || status as k from public.job_queue order by 1`)).map((row) => row.k);

    it('keeps failed jobs 30 days by default, completed and cancelled ones p_older_than (7 days)', async () => {
      await insertFinished([
        ['pol.a', 'completed', '8 days'],
        ['pol.a', 'cancelled', '8 days'],
        ['pol.b', 'completed', '6 days'],
        ['pol.b', 'failed', '8 days'],
        ['pol.c', 'failed', '31 days'],
      ]);
      expect(await svc().cleanup()).toBe(3);
      expect(await remaining()).toEqual(['pol.b completed', 'pol.b failed']);
      // An explicit p_older_than beyond 30 days holds for failed jobs too.
      await insertFinished([['pol.d', 'failed', '40 days']]);
      expect(await svc().cleanup(45 * 86_400)).toBe(0);
    });

    it('honours each type’s own keep_completed / keep_failed', async () => {
      await configure('pol.short', { keepCompleted: '1 hour', keepFailed: '2 days' });
      await configure('pol.long', { keepCompleted: '90 days' });
      await insertFinished([
        ['pol.short', 'completed', '2 hours'],
        ['pol.short', 'failed', '3 days'],
        ['pol.short', 'failed', '1 day'],
        ['pol.long', 'completed', '60 days'],
        ['pol.long', 'failed', '31 days'],
        ['pol.plain', 'completed', '30 minutes'],
      ]);
      expect(await svc().cleanup()).toBe(3);
      expect(await remaining()).toEqual(['pol.long completed', 'pol.plain completed', 'pol.short failed']);
    });
  });

  describe('server fallback (server_fallback_after_seconds)', () => {
    it('a service-role claim skips a fresh user job and takes it after the wait; the user’s own worker takes it at once', async () => {
      await configure('pol.pdf', { serverFallbackAfterSeconds: 1 });
      const owner = newUser();
      const userJob = await ctx.h.client(owner).enqueue({ jobType: 'pol.pdf' });
      const serverJob = await svc().enqueue({ jobType: 'pol.pdf' });
      const enqueuedAt = Date.now();
      const first = await svc().claim({ workerId: 'node', limit: 10, jobTypes: ['pol.pdf'] });
      expect(first.map((job) => job.id)).toEqual([serverJob.id]);
      await expect
        .poll(async () => (await svc().claim({ workerId: 'node', limit: 10, jobTypes: ['pol.pdf'] })).map((job) => job.id), {
          timeout: 5_000,
          interval: 100,
        })
        .toEqual([userJob.id]);
      expect(Date.now() - enqueuedAt).toBeGreaterThanOrEqual(900);

      const browserFirst = await ctx.h.client(owner).enqueue({ jobType: 'pol.pdf' });
      expect(await svc().claim({ workerId: 'node', jobTypes: ['pol.pdf'] })).toEqual([]);
      expect((await ctx.h.client(owner).claim({ workerId: 'tab' })).map((job) => job.id)).toEqual([browserFirst.id]);
    });
  });

  describe('pause everything', () => {
    it('pause_queue(null) stops every claim, users’ and the service role’s; resume_queue(null) restarts them', async () => {
      const owner: Actor = newUser();
      await ctx.h.client(owner).enqueue({ jobType: 'pol.any' });
      await svc().enqueue({ jobType: 'pol.other' });
      const adminClient = admin();
      await adminClient.pause();
      expect((await ctx.h.client(owner).pauses()).map((pause) => pause.jobType)).toEqual(['*']);
      expect(await ctx.h.client(owner).claim({ workerId: 'tab' })).toEqual([]);
      expect(await svc().claim({ workerId: 'node', limit: 10 })).toEqual([]);
      await adminClient.resume();
      expect(await adminClient.pauses()).toEqual([]);
      expect(await svc().claim({ workerId: 'node', limit: 10 })).toHaveLength(2);
    });
  });
}
