import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callRpc } from '../../queue/src/rpc/call';
import { JobWorker } from '../../queue/src/worker/JobWorker';
import { createPgHarness, service, type QueueHarness } from '../../queue/test/support/harness';
import { createNotifyProcessors, notifyConfigFromEnv, NOTIFY_WEBHOOK, signWebhook, verifyWebhook, type WebhookBody } from '../src';
import { ADA, finishCertificate, resetApp, setNotificationSettings, SUMMIT } from './support/certificates';
import { WebhookReceiver } from './support/webhookReceiver';

const SECRET = 'whsec-test-0123456789abcdef';

describe('verifyWebhook', () => {
  const body = JSON.stringify({ id: 'x', type: 'certificate.completed' });
  const now = 1_800_000_000;
  const signature = signWebhook(SECRET, now, body);

  it('accepts the signature over "<timestamp>.<body>" and refuses any change', () => {
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: String(now), signature, nowSeconds: now + 10 })).toBe(true);
    expect(verifyWebhook({ secret: 'another-secret-value', body, timestamp: String(now), signature, nowSeconds: now })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body: `${body} `, timestamp: String(now), signature, nowSeconds: now })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: String(now + 1), signature, nowSeconds: now })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: String(now), signature: signature.slice(0, -1), nowSeconds: now })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: undefined, signature, nowSeconds: now })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: String(now), signature: null, nowSeconds: now })).toBe(false);
  });

  it('refuses a replay outside the tolerance', () => {
    expect(verifyWebhook({ secret: SECRET, body, timestamp: String(now), signature, nowSeconds: now + 301 })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: String(now), signature, nowSeconds: now + 301, toleranceSeconds: 600 })).toBe(true);
  });
});

describe('notify.webhook through the queue', () => {
  let h: QueueHarness;
  let worker: JobWorker | undefined;
  let receiver: WebhookReceiver | undefined;

  beforeAll(async () => {
    h = await createPgHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await resetApp(h);
    await h.sql(`update public.job_type_settings set backoff = null where job_type = 'notify.webhook'`);
  });
  afterEach(async () => {
    await worker?.stop({ graceMs: 0 });
    await receiver?.close();
    worker = undefined;
    receiver = undefined;
  });

  function startWorker(env: Record<string, string> = {}) {
    const notify = createNotifyProcessors({
      transport: h.transport(service),
      config: notifyConfigFromEnv({ WEBHOOK_SECRET: SECRET, ...env }),
    });
    expect(notify.jobTypes).toEqual([NOTIFY_WEBHOOK]);
    worker = new JobWorker(h.client(service), { processors: notify.processors, listen: false, intervalMs: 50 }).start();
  }

  type Row = {
    status: string;
    attempts: number;
    run_in_ms: number;
    error_message: string | null;
    errors: Array<{ message: string; at: string }>;
  };
  const webhookJob = async () =>
    (
      await h.sql<Row>(
        `select status, attempts, error_message, errors,
                (extract(epoch from run_at - now()) * 1000)::int as run_in_ms
           from public.job_queue where job_type = 'notify.webhook'`,
      )
    )[0]!;

  /** Waits for the webhook job to reach a final `status`. */
  async function settle(status: 'completed' | 'failed'): Promise<Row> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const job = await webhookJob();
      if (job.status === status) return job;
      if (Date.now() > deadline) throw new Error(`webhook job still ${job.status} after 20 s: ${JSON.stringify(job)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('signs each delivery; non-2xx answers are retried by the queue until one succeeds', async () => {
    receiver = await WebhookReceiver.start(SECRET, (call) => (call <= 2 ? 500 : 204));
    await setNotificationSettings(h, { webhook_on_completed: true, webhook_urls: [receiver.url] });
    // The queue's backoff for this type, short for the test (the default is 2 s, 4 s, ...).
    await callRpc(h.transport(service), 'set_job_type_settings', {
      p_job_type: 'notify.webhook',
      p_settings: { backoff: { kind: 'fixed', base_seconds: 0.4, cap_seconds: 0.4, jitter: 0 } },
    });
    const certificate = await finishCertificate(h, SUMMIT);
    startWorker();

    const job = await settle('completed');
    expect(job.attempts).toBe(3);
    expect(job.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/answered 500/),
      expect.stringMatching(/answered 500/),
    ]);
    // Each retry waited for its backoff.
    const [first, second] = job.errors.map((e) => Date.parse(e.at));
    expect(second! - first!).toBeGreaterThanOrEqual(350);
    const deliveries = receiver.deliveries;
    expect(deliveries.map((d) => [d.verified, d.status])).toEqual([
      [true, 500],
      [true, 500],
      [true, 204],
    ]);
    // One delivery id across the retries, so the receiver can tell a retry from a new event.
    expect(new Set(deliveries.map((d) => d.headers['x-tessera-delivery'])).size).toBe(1);
    expect(deliveries[0]!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(deliveries[2]!.body) as WebhookBody;
    expect(body).toMatchObject({
      id: deliveries[0]!.headers['x-tessera-delivery'],
      type: 'certificate.completed',
      data: {
        certificate_id: certificate.payload.certificate_id,
        job_id: certificate.id,
        user_id: ADA.id,
        serial: certificate.payload.serial,
        event_title: 'Postgres Queues Summit',
        status: 'completed',
        error: null,
      },
    });
    // The certificate job was not touched by any of this.
    const [cert] = await h.sql<{ status: string; attempts: number }>(
      `select status, attempts from public.job_queue where id = $1`,
      [certificate.id],
    );
    expect(cert).toEqual({ status: 'completed', attempts: 1 });
  });

  it('a receiver with another secret refuses the signature (and the delivery is retried)', async () => {
    receiver = await WebhookReceiver.start('not-the-same-secret-at-all', () => 200);
    await setNotificationSettings(h, { webhook_on_failed: true, webhook_urls: [receiver.url] });
    await finishCertificate(h, SUMMIT, 'failed');
    startWorker();
    await receiver.waitFor(1);
    await expect.poll(async () => (await webhookJob()).attempts).toBe(1);
    await expect.poll(async () => (await webhookJob()).status).toBe('pending');
    // Refused, and scheduled again by the backoff rather than failed for good.
    const row = await webhookJob();
    expect(row.error_message).toMatch(/answered 401/);
    expect(row.run_in_ms).toBeGreaterThan(1_000);
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]).toMatchObject({ verified: false, status: 401 });
  });

  it('a receiver that does not answer in time fails the attempt (timeout), to be retried', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    try {
      await setNotificationSettings(h, { webhook_on_completed: true, webhook_urls: [url] });
      await finishCertificate(h, SUMMIT);
      const started = Date.now();
      startWorker({ WEBHOOK_TIMEOUT_MS: '300' });
      for (;;) {
        const job = await webhookJob();
        if (job.attempts === 1 && job.status === 'pending') {
          expect(job.error_message).toMatch(/timed out after 300 ms/);
          break;
        }
        expect(Date.now() - started).toBeLessThan(10_000);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await worker?.stop({ graceMs: 0 });
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('stops delivering to a URL an admin removed from the settings', async () => {
    receiver = await WebhookReceiver.start(SECRET);
    await setNotificationSettings(h, { webhook_on_completed: true, webhook_urls: [receiver.url] });
    await finishCertificate(h, SUMMIT);
    await setNotificationSettings(h, { webhook_urls: [] });
    startWorker();
    const job = await settle('failed');
    expect(job.error_message).toMatch(/no longer a configured webhook URL/);
    expect(receiver.deliveries).toEqual([]);
  });
});
