import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAllowedError, NotFoundError, ValidationError } from '../../queue/src/errors';
import { callRpc } from '../../queue/src/rpc/call';
import { anon, service, type Actor, type QueueHarness } from '../../queue/test/support/harness';

const SEED = readFileSync(new URL('../../../supabase/seed.sql', import.meta.url), 'utf8');
const ADA: Actor = { kind: 'user', id: '00000000-0000-4000-8000-00000000a7a1' };
const BORIS: Actor = { kind: 'user', id: '00000000-0000-4000-8000-00000000b0b1' };
const ADMIN: Actor = { kind: 'admin', id: '00000000-0000-4000-8000-0000000ad001' };
const SUMMIT = '10000000-0000-4000-8000-000000000001';
const ATHENS = '10000000-0000-4000-8000-000000000002';
const PDF = Buffer.from('%PDF-1.7\n% tiny\n%%EOF\n').toString('base64');
const HOOK_A = 'https://hooks.example.org/tessera';
const HOOK_B = 'http://127.0.0.1:8080/hook?source=tessera';

interface JobRow {
  id: string;
  job_type: string;
  status: string;
  attempts: number;
  payload: Record<string, unknown>;
  user_id: string | null;
  job_key: string | null;
  max_attempts: number;
}

/** The notification SQL (0022): settings, the certificate trigger and notification_details, on any backend. */
export function describeNotificationContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`notification SQL on ${name}`, () => {
    let h: QueueHarness;
    const rpc = (actor: Actor, fn: string, args?: Record<string, unknown>) => callRpc(h.transport(actor), fn, args);
    const settings = (value: Record<string, unknown>) => rpc(ADMIN, 'set_notification_settings', { p_settings: value });
    const notifyJobs = () =>
      h.sql<JobRow>(
        `select id, job_type, status, attempts, payload, user_id, job_key, max_attempts from public.job_queue
          where job_type like 'notify.%' order by job_type, payload ->> 'url'`,
      );
    /** Ada asks for a certificate; her own tab claims it and stores a PDF. */
    const startCertificate = async (eventId = SUMMIT) => {
      const job = (await rpc(ADA, 'request_certificate', { p_event_id: eventId })) as JobRow;
      const [claimed] = (await rpc(ADA, 'claim_jobs', { p_worker_id: 'ada-tab', p_limit: 1 })) as JobRow[];
      expect(claimed?.id).toBe(job.id);
      return job;
    };
    const complete = async (job: JobRow) => {
      await rpc(ADA, 'save_certificate', { p_job_id: job.id, p_worker_id: 'ada-tab', p_pdf_base64: PDF });
      return (await rpc(ADA, 'complete_job', { p_job_id: job.id, p_worker_id: 'ada-tab', p_result: {} })) as JobRow;
    };
    const failForGood = async (job: JobRow) =>
      (await rpc(ADA, 'fail_job', { p_job_id: job.id, p_worker_id: 'ada-tab', p_error: 'font missing', p_retryable: false })) as JobRow;

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.sql('truncate public.certificates, public.event_registrations, public.events, public.job_queue, auth.users cascade');
      await h.sql('delete from public.notification_settings');
      await h.sql(`insert into public.notification_settings (id) values (true)`);
      await h.sql(`update public.job_type_settings set default_max_attempts = 10 where job_type like 'notify.%'`);
      await h.sql(SEED);
    });

    it('starts with every notification off; only admins and the service role read or change the settings', async () => {
      expect(await rpc(ADMIN, 'get_notification_settings')).toMatchObject({
        email_on_completed: false,
        email_on_failed: false,
        webhook_on_completed: false,
        webhook_on_failed: false,
        webhook_urls: [],
      });
      await expect(rpc(ADA, 'get_notification_settings')).rejects.toBeInstanceOf(NotAllowedError);
      await expect(rpc(ADA, 'set_notification_settings', { p_settings: { email_on_completed: true } })).rejects.toBeInstanceOf(
        NotAllowedError,
      );
      await expect(rpc(anon, 'get_notification_settings')).rejects.toBeInstanceOf(NotAllowedError);
      // Users cannot read the table directly either (webhook URLs are admin data).
      await expect(h.sqlAs(ADA, 'select * from public.notification_settings')).rejects.toThrow(/permission denied/);
      const updated = await rpc(service, 'set_notification_settings', { p_settings: { webhook_urls: [HOOK_A] } });
      expect(updated).toMatchObject({ webhook_urls: [HOOK_A], email_on_completed: false });
    });

    it('merges partial updates and records who changed them', async () => {
      await settings({ email_on_completed: true, webhook_urls: [HOOK_A, HOOK_B] });
      const after = (await settings({ webhook_on_failed: true })) as Record<string, unknown>;
      expect(after).toMatchObject({
        email_on_completed: true,
        webhook_on_failed: true,
        webhook_on_completed: false,
        webhook_urls: [HOOK_A, HOOK_B],
        updated_by: (ADMIN as { id: string }).id,
      });
      expect((await settings({ webhook_urls: [] })) as Record<string, unknown>).toMatchObject({ webhook_urls: [] });
    });

    it('refuses bad settings with a clear message naming the key, and writes nothing', async () => {
      await settings({ email_on_completed: true });
      const refused: Array<[Record<string, unknown> | unknown[] | null, RegExp]> = [
        [{ email_on_failed: 'yes' }, /email_on_failed must be true or false/],
        [{ smtp_password: 'hunter2' }, /unknown setting smtp_password/],
        [{ webhook_urls: 'https://example.org' }, /webhook_urls must be an array/],
        [{ webhook_urls: ['ftp://example.org/x'] }, /not an http\(s\) URL/],
        [{ webhook_urls: ['https://user:pass@example.org/x'] }, /without credentials/],
        [{ webhook_urls: ['https://example.org/ spaced'] }, /not an http\(s\) URL/],
        [{ webhook_urls: [HOOK_A, HOOK_A] }, /twice/],
        [{ webhook_urls: Array.from({ length: 11 }, (_, i) => `https://example.org/${i}`) }, /at most 10/],
        // Attempts and backoff of notify jobs are job-type policies (set_job_type_settings).
        [{ max_attempts: 5 }, /unknown setting max_attempts/],
        [[true], /must be a JSON object/],
        [null, /must be a JSON object/],
      ];
      for (const [value, message] of refused) {
        const attempt = rpc(ADMIN, 'set_notification_settings', { p_settings: value });
        await expect(attempt).rejects.toBeInstanceOf(ValidationError);
        await expect(rpc(ADMIN, 'set_notification_settings', { p_settings: value })).rejects.toThrow(message);
      }
      expect(await rpc(ADMIN, 'get_notification_settings')).toMatchObject({
        email_on_completed: true,
        email_on_failed: false,
        webhook_urls: [],
      });
    });

    it('a completed certificate enqueues one email and one webhook per URL: service jobs no browser claims', async () => {
      await settings({ email_on_completed: true, webhook_on_completed: true, webhook_urls: [HOOK_A, HOOK_B] });
      // Notify jobs get their type's policies, as any job does.
      await rpc(ADMIN, 'set_job_type_settings', { p_job_type: 'notify.webhook', p_settings: { default_max_attempts: 6 } });
      const job = await startCertificate();
      expect(await notifyJobs()).toEqual([]);
      await complete(job);
      const jobs = await notifyJobs();
      expect(jobs.map((j) => [j.job_type, j.payload.url ?? null])).toEqual([
        ['notify.email', null],
        ['notify.webhook', HOOK_B],
        ['notify.webhook', HOOK_A],
      ]);
      expect(jobs.map((j) => j.max_attempts)).toEqual([10, 6, 6]);
      for (const notify of jobs) {
        expect(notify).toMatchObject({ status: 'pending', user_id: null });
        expect(notify.payload).toMatchObject({
          event: 'completed',
          job_id: job.id,
          certificate_id: job.payload.certificate_id,
          user_id: (ADA as { id: string }).id,
        });
        expect(notify.job_key).toMatch(new RegExp(`^${job.id}:completed`));
      }
      // Ada sees only her certificate job, and her tab's worker never claims a notification.
      expect((await h.sqlAs<{ job_type: string }>(ADA, 'select job_type from public.job_queue')).map((r) => r.job_type)).toEqual([
        'certificate',
      ]);
      expect(await rpc(ADA, 'claim_jobs', { p_worker_id: 'ada-tab', p_limit: 10 })).toEqual([]);
    });

    it('a final failure notifies per the failure settings; a failed attempt that will be retried does not', async () => {
      await settings({ email_on_completed: true, email_on_failed: true, webhook_on_failed: true, webhook_urls: [HOOK_A] });
      const job = await startCertificate();
      const retried = (await rpc(ADA, 'fail_job', {
        p_job_id: job.id,
        p_worker_id: 'ada-tab',
        p_error: 'flaky font server',
        p_retryable: true,
      })) as JobRow;
      expect(retried.status).toBe('pending');
      expect(await notifyJobs()).toEqual([]);

      await h.sql(`update public.job_queue set run_at = now() where id = $1`, [job.id]);
      await rpc(ADA, 'claim_jobs', { p_worker_id: 'ada-tab', p_limit: 1 });
      expect((await failForGood(job)).status).toBe('failed');
      const jobs = await notifyJobs();
      expect(jobs.map((j) => [j.job_type, j.payload.event])).toEqual([
        ['notify.email', 'failed'],
        ['notify.webhook', 'failed'],
      ]);
    });

    it('never notifies twice for the same certificate job and event, even after a retry fails again', async () => {
      await settings({ webhook_on_failed: true, webhook_urls: [HOOK_A], email_on_failed: true });
      const job = await startCertificate();
      await failForGood(job);
      // The notifications ran and finished before the admin retried the certificate.
      await h.sql(
        `update public.job_queue set status = 'completed', completed_at = now() where job_type like 'notify.%'`,
      );
      await rpc(ADMIN, 'retry_job', { p_job_id: job.id });
      await rpc(ADA, 'claim_jobs', { p_worker_id: 'ada-tab', p_limit: 1 });
      await failForGood(job);
      expect((await notifyJobs()).map((j) => j.job_type)).toEqual(['notify.email', 'notify.webhook']);
    });

    it('enqueues nothing while notifications are off, and no email for a user without an address', async () => {
      await complete(await startCertificate(SUMMIT));
      expect(await notifyJobs()).toEqual([]);

      await settings({ email_on_completed: true, webhook_on_completed: true, webhook_urls: [HOOK_A] });
      await h.sql(`update auth.users set email = null where id = $1`, [(ADA as { id: string }).id]);
      await complete(await startCertificate(ATHENS));
      expect((await notifyJobs()).map((j) => j.job_type)).toEqual(['notify.webhook']);
    });

    it('a notification that cannot be enqueued never fails the certificate job', async () => {
      await settings({ email_on_completed: true, webhook_on_completed: true, webhook_urls: [HOOK_A] });
      // Make every notify insert fail, as a broken notification setup would.
      await h.sql(`alter table public.job_queue add constraint test_no_notify check (job_type not like 'notify.%') not valid`);
      try {
        const job = await startCertificate();
        const completed = await complete(job);
        expect(completed.status).toBe('completed');
        expect(await notifyJobs()).toEqual([]);
      } finally {
        await h.sql('alter table public.job_queue drop constraint test_no_notify');
      }
    });

    it('a failing notification job never fails or repeats the certificate job', async () => {
      await settings({ email_on_completed: true });
      const job = await startCertificate();
      await complete(job);
      const [email] = await notifyJobs();
      const [claimed] = (await rpc(service, 'claim_jobs', {
        p_worker_id: 'node-1',
        p_limit: 5,
        p_job_types: ['notify.email'],
      })) as JobRow[];
      expect(claimed?.id).toBe(email!.id);
      await rpc(service, 'fail_job', { p_job_id: email!.id, p_worker_id: 'node-1', p_error: 'SMTP down', p_retryable: false });
      const rows = await h.sql<{ job_type: string; status: string; attempts: number }>(
        'select job_type, status, attempts from public.job_queue order by job_type',
      );
      expect(rows).toEqual([
        { job_type: 'certificate', status: 'completed', attempts: 1 },
        { job_type: 'notify.email', status: 'failed', attempts: 1 },
      ]);
    });

    it('notify.* are server-only job types: users cannot enqueue them', async () => {
      for (const jobType of ['notify.email', 'notify.webhook']) {
        await expect(
          rpc(ADA, 'enqueue_job', { p_job_type: jobType, p_payload: { url: 'https://attacker.example/' } }),
        ).rejects.toBeInstanceOf(NotAllowedError);
      }
      expect(await notifyJobs()).toEqual([]);
    });

    it('notification_details gives the service role what a message needs, and nobody else', async () => {
      const job = await startCertificate();
      await complete(job);
      const certificateId = job.payload.certificate_id as string;
      const [details] = (await rpc(service, 'notification_details', { p_certificate_id: certificateId, p_job_id: job.id })) as Array<
        Record<string, unknown>
      >;
      expect(details).toMatchObject({
        certificate_id: certificateId,
        serial: job.payload.serial,
        attendee_name: 'Ada Lovelace',
        event_title: 'Postgres Queues Summit',
        event_date: '2026-10-14',
        event_location: 'Lisbon',
        email: 'ada@tessera.test',
        job_status: 'completed',
        job_error: null,
        pdf_bytes: Buffer.from(PDF, 'base64').length,
      });
      expect(details!.issued_at).not.toBeNull();
      await expect(rpc(ADA, 'notification_details', { p_certificate_id: certificateId })).rejects.toBeInstanceOf(NotAllowedError);
      await expect(rpc(ADMIN, 'notification_details', { p_certificate_id: certificateId })).rejects.toBeInstanceOf(
        NotAllowedError,
      );
      await expect(rpc(BORIS, 'notification_details', { p_certificate_id: certificateId })).rejects.toBeInstanceOf(
        NotAllowedError,
      );
      await expect(
        rpc(service, 'notification_details', { p_certificate_id: '5b0e8a3e-6f6e-4b7a-9a53-1f4f3e6f0b21' }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
