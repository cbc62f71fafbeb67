import { afterAll, beforeAll, expect, it } from 'vitest';
import { WorkerProcess } from '../../../apps/worker/test/support/workerProcess';
import { redeemCertificateDownload } from '../../certificates/src/store';
import { callRpc } from '../../queue/src/rpc/call';
import { anon, createPgHarness, service, type QueueHarness } from '../../queue/test/support/harness';
import type { WebhookBody } from '../src';
import { ADA, ATHENS, resetApp, setNotificationSettings, SUMMIT } from './support/certificates';
import { SmtpSink } from './support/smtpSink';
import { WebhookReceiver } from './support/webhookReceiver';

// Issue #11's acceptance: a certificate requested → a real tessera-worker renders and stores the
// PDF → an email with a working download link reaches the test's SMTP server and a signed webhook
// its HTTP receiver; with the SMTP server down the certificate still completes and the email job
// retries until the server is back.

const APP_URL = 'https://certificates.example.org';
const SECRET = 'acceptance-webhook-secret-0123';

let h: QueueHarness & { url: string };
let smtp: SmtpSink;
let hooks: WebhookReceiver;
let worker: WorkerProcess;

beforeAll(async () => {
  h = await createPgHarness();
  await resetApp(h);
  smtp = await SmtpSink.start();
  hooks = await WebhookReceiver.start(SECRET);
  await setNotificationSettings(h, { email_on_completed: true, webhook_on_completed: true, webhook_urls: [hooks.url] });
  // A short backoff for notify.email (the default is 2 s, 4 s, ...), and attempts to spare.
  await callRpc(h.transport(service), 'set_job_type_settings', {
    p_job_type: 'notify.email',
    p_settings: { backoff: { kind: 'fixed', base_seconds: 0.5, cap_seconds: 0.5, jitter: 0 }, default_max_attempts: 25 },
  });
  worker = new WorkerProcess(['--database-url', h.url, '--poll-interval-ms', '200', '--grace-ms', '1000'], {
    PUBLIC_APP_URL: APP_URL,
    SMTP_URL: smtp.url,
    SMTP_FROM: 'Tessera Certificates <certificates@tessera.test>',
    SMTP_TIMEOUT_MS: '2000',
    WEBHOOK_SECRET: SECRET,
  });
  await worker.ready();
});
afterAll(async () => {
  await worker?.dispose();
  await hooks?.close();
  await smtp?.stop();
  await h?.close();
});

interface Row {
  id: string;
  job_type: string;
  status: string;
  attempts: number;
  error_message: string | null;
  payload: Record<string, unknown>;
}

const jobsOf = (certificateJobId: string) =>
  h.sql<Row>(
    `select id, job_type, status, attempts, error_message, payload from public.job_queue
      where id = $1 or payload ->> 'job_id' = $1::text order by job_type`,
    [certificateJobId],
  );

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nworker output:\n${worker.output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const requestAsAda = async (eventId: string) =>
  (await callRpc(h.transport(ADA), 'request_certificate', { p_event_id: eventId })) as { id: string; payload: { serial: string } };

it('says at start which notification types it serves', () => {
  expect(worker.output).toContain('notifications: serving notify.email, notify.webhook');
});

it('certificate → PDF stored → email with a working download link, and a signed webhook', async () => {
  const job = await requestAsAda(SUMMIT);
  const { to, mail } = await until('the email', async () => smtp.received[0]);
  expect(to).toEqual(['ada@tessera.test']);
  expect(mail.subject).toBe('Your certificate is ready: Postgres Queues Summit');
  const link = /https:\/\/certificates\.example\.org\/download\/(\S+)/.exec(mail.text ?? '');
  expect(link, mail.text).not.toBeNull();

  // The /download/<token> page redeems the token through an anon RPC: do what it does.
  const file = await redeemCertificateDownload(h.transport(anon), decodeURIComponent(link![1]!));
  expect(Buffer.from(file.bytes).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const [stored] = await h.sql<{ pdf: Buffer }>(`select pdf from public.certificates where job_id = $1`, [job.id]);
  expect(Buffer.compare(Buffer.from(file.bytes), stored!.pdf)).toBe(0);
  expect(file.filename).toBe(`${job.payload.serial}.pdf`);

  const [delivery] = await hooks.waitFor(1);
  expect(delivery!.verified).toBe(true);
  expect(delivery!.status).toBe(200);
  expect(JSON.parse(delivery!.body) as WebhookBody).toMatchObject({
    type: 'certificate.completed',
    data: { job_id: job.id, user_id: ADA.id, serial: job.payload.serial, status: 'completed' },
  });

  const jobs = await until('every job finished', async () => {
    const rows = await jobsOf(job.id);
    return rows.every((row) => row.status === 'completed') ? rows : undefined;
  });
  expect(jobs.map((row) => [row.job_type, row.status, row.attempts])).toEqual([
    ['certificate', 'completed', 1],
    ['notify.email', 'completed', 1],
    ['notify.webhook', 'completed', 1],
  ]);
});

it('with the SMTP server down the certificate still completes; the email retries and arrives once it is back', async () => {
  await smtp.stop();
  smtp.received.length = 0;
  const job = await requestAsAda(ATHENS);
  const emailJob = async () => (await jobsOf(job.id)).find((row) => row.job_type === 'notify.email');

  // Refused twice: the certificate is done, the email job retries after its backoff.
  const failed = await until('two failed email attempts', async () => {
    const row = await emailJob();
    return row && row.status === 'pending' && row.attempts >= 2 ? row : undefined;
  });
  expect(failed.error_message).toMatch(/ECONNREFUSED|connect/i);
  const [certificate] = await h.sql<{ status: string; attempts: number }>(
    'select status, attempts from public.job_queue where id = $1',
    [job.id],
  );
  expect(certificate).toEqual({ status: 'completed', attempts: 1 });
  expect(smtp.received).toEqual([]);

  await smtp.restart();
  const { to, mail } = await until('the email after the outage', async () => smtp.received[0]);
  expect(to).toEqual(['ada@tessera.test']);
  expect(mail.subject).toBe('Your certificate is ready: Συνέδριο Ανοιχτού Λογισμικού');
  const delivered = await until('the email job completed', async () => {
    const row = await emailJob();
    return row?.status === 'completed' ? row : undefined;
  });
  expect(delivered.attempts).toBeGreaterThanOrEqual(3);
  const [history] = await h.sql<{ errors: Array<{ message: string }> }>('select errors from public.job_queue where id = $1', [
    delivered.id,
  ]);
  expect(history!.errors).toHaveLength(delivered.attempts - 1);
  expect(history!.errors[0]!.message).toMatch(/ECONNREFUSED|connect/i);
  expect(smtp.received).toHaveLength(1);
  // The certificate job was never failed or repeated by any of this.
  expect(await h.sql('select status, attempts from public.job_queue where id = $1', [job.id])).toEqual([
    { status: 'completed', attempts: 1 },
  ]);
});
