import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createDatabaseCertificateStore, redeemCertificateDownload } from '../../certificates/src/store';
import { JobWorker } from '../../queue/src/worker/JobWorker';
import { anon, createPgHarness, service, type QueueHarness } from '../../queue/test/support/harness';
import { createNotifyProcessors, notifyConfigFromEnv, NOTIFY_EMAIL } from '../src';
import { ADA, ATHENS, finishCertificate, PDF_BYTES, resetApp, setNotificationSettings, SUMMIT } from './support/certificates';
import { SmtpSink } from './support/smtpSink';

const APP_URL = 'https://certificates.example.org';
let h: QueueHarness;
let smtp: SmtpSink;

beforeAll(async () => {
  h = await createPgHarness();
  smtp = await SmtpSink.start();
});
afterAll(async () => {
  await smtp?.stop();
  await h?.close();
});
beforeEach(async () => {
  await resetApp(h);
  smtp.received.length = 0;
  await setNotificationSettings(h, { email_on_completed: true, email_on_failed: true });
});

let worker: JobWorker | undefined;
afterEach(async () => {
  await worker?.stop({ graceMs: 0 });
  worker = undefined;
});

/** Runs the notify.email jobs now with an in-process worker (service role) configured from `env`. */
async function runEmailJobs(env: Record<string, string> = {}) {
  const transport = h.transport(service);
  const notify = createNotifyProcessors({
    transport,
    config: notifyConfigFromEnv({ SMTP_URL: smtp.url, SMTP_FROM: 'Tessera Certificates <certificates@tessera.test>', ...env }),
    files: createDatabaseCertificateStore({ transport, publicAppUrl: APP_URL }),
  });
  expect(notify.jobTypes).toEqual([NOTIFY_EMAIL]);
  worker = new JobWorker(h.client(service), { processors: notify.processors, listen: false, intervalMs: 50 }).start();
  await worker.whenIdle();
  await worker.stop();
  notify.close();
  return h.sql<{ status: string; attempts: number; result: Record<string, unknown>; error_message: string | null }>(
    `select status, attempts, result, error_message from public.job_queue where job_type = 'notify.email'`,
  );
}

it('emails the attendee a working download link, with the PDF attached when it is small', async () => {
  const job = await finishCertificate(h, SUMMIT);
  const jobs = await runEmailJobs();
  expect(jobs).toMatchObject([{ status: 'completed', attempts: 1, result: { to: 'ada@tessera.test', attached: true } }]);

  const { to, mail } = await smtp.waitForFirst();
  expect(to).toEqual(['ada@tessera.test']);
  expect(mail.subject).toBe('Your certificate is ready: Postgres Queues Summit');
  expect(mail.from?.text).toContain('certificates@tessera.test');
  expect(mail.text).toContain('Hello Ada Lovelace');
  expect(mail.text).toContain(job.payload.serial);
  const link = /https:\/\/certificates\.example\.org\/download\/(\S+)/.exec(mail.text ?? '');
  expect(link).not.toBeNull();
  expect(mail.html).toContain(`href="${link![0]}"`);
  expect(mail.messageId).toMatch(/^<notify-[0-9a-f-]+@tessera\.test>$/);

  // The link works without signing in: its token gives the PDF's bytes.
  const downloaded = await redeemCertificateDownload(h.transport(anon), decodeURIComponent(link![1]!));
  expect(Buffer.from(downloaded.bytes).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(mail.attachments).toHaveLength(1);
  expect(mail.attachments[0]).toMatchObject({ filename: `${job.payload.serial}.pdf`, contentType: 'application/pdf' });
  expect(Buffer.compare(mail.attachments[0]!.content, PDF_BYTES)).toBe(0);
});

it('sends the link only when the PDF is over the attachment limit', async () => {
  await finishCertificate(h, ATHENS);
  const jobs = await runEmailJobs({ NOTIFY_ATTACH_MAX_BYTES: String(PDF_BYTES.length - 1) });
  expect(jobs).toMatchObject([{ status: 'completed', result: { attached: false } }]);
  const { mail } = await smtp.waitForFirst();
  expect(mail.attachments).toEqual([]);
  expect(mail.text).toMatch(/https:\/\/certificates\.example\.org\/download\/\S+/);
  expect(mail.subject).toBe('Your certificate is ready: Συνέδριο Ανοιχτού Λογισμικού');
});

it('tells the attendee when their certificate could not be made, without a link', async () => {
  await finishCertificate(h, SUMMIT, 'failed');
  expect(await runEmailJobs()).toMatchObject([{ status: 'completed' }]);
  const { to, mail } = await smtp.waitForFirst();
  expect(to).toEqual(['ada@tessera.test']);
  expect(mail.subject).toBe('Your certificate could not be created: Postgres Queues Summit');
  expect(mail.text).not.toMatch(/download/i);
  // The technical error stays with the admins.
  expect(mail.text).not.toContain('font missing');
});

it('an SMTP error fails the attempt so the queue retries it; the error is recorded', async () => {
  await finishCertificate(h, SUMMIT);
  await smtp.stop();
  try {
    const [job] = await runEmailJobs({ SMTP_TIMEOUT_MS: '2000' });
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job!.error_message).toMatch(/ECONNREFUSED|connect/i);
  } finally {
    await smtp.restart();
  }
  expect(smtp.received).toEqual([]);
});

it('refuses for good a notify.email job a user enqueued (it could mail anyone anything)', async () => {
  const job = await finishCertificate(h, SUMMIT);
  await h.sql(`delete from public.job_queue where job_type = 'notify.email'`);
  await h.client(ADA).enqueue({
    jobType: NOTIFY_EMAIL,
    payload: { event: 'completed', certificate_id: job.payload.certificate_id, job_id: job.id, user_id: ADA.id },
  }).catch(() => h.sql(
    // A job-type policy (user_enqueue = false) may refuse it already; plant it as if it had slipped through.
    `insert into public.job_queue (job_type, payload, user_id) values ('notify.email', $1, $2)`,
    [{ event: 'completed', certificate_id: job.payload.certificate_id, job_id: job.id, user_id: ADA.id }, ADA.id],
  ));
  const [row] = await runEmailJobs();
  expect(row).toMatchObject({ status: 'failed', attempts: 1 });
  expect(row!.error_message).toMatch(/enqueued by the database only/);
  expect(smtp.received).toEqual([]);
});
