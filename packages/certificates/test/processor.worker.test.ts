// The processor inside a real JobWorker, on a real (embedded) Postgres with the project's migrations.
import { JobWorker, QueueClient } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @electric-sql/pglite is the queue package's dependency: borrow its migrated-database helper.
import { createMigratedPGlite } from '../../queue/test/support/pglite';
import { createCertificateProcessor } from '../src/index';
import { certificatePayload, fonts, verifyUrlFor } from './support/certificates';

type Database = Awaited<ReturnType<typeof createMigratedPGlite>>;

describe('certificate jobs in a JobWorker', () => {
  let db: Database;
  let client: QueueClient;
  const saved = new Map<string, Uint8Array>();

  beforeAll(async () => {
    db = await createMigratedPGlite();
    client = new QueueClient(new PGliteTransport(db)); // the service role, as apps/worker runs
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  async function runJobs(): Promise<void> {
    const worker = new JobWorker(client, {
      processors: {
        certificate: createCertificateProcessor({
          verifyUrlFor,
          saveCertificate: async (jobId, _workerId, pdf) => {
            saved.set(jobId, pdf);
          },
          fonts,
        }),
      },
      listen: false,
      intervalMs: 60_000,
    }).start();
    await worker.whenIdle();
    await worker.stop({ graceMs: 100 });
  }

  it('completes a certificate job with the serial and size of the saved PDF', async () => {
    const job = await client.enqueue({ jobType: 'certificate', payload: certificatePayload({ attendee_name: 'Дмитрий Шостакович' }) });
    await runJobs();
    const done = await client.get(job.id);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ serial: 'TSR-2026-000042', bytes: saved.get(job.id)?.length });
    expect(done.progress).toBeGreaterThanOrEqual(90);
  });

  it('fails a job with characters no font can draw at once, without retries or a saved PDF', async () => {
    const job = await client.enqueue({
      jobType: 'certificate',
      payload: certificatePayload({ attendee_name: '李小龍 🎓' }),
      maxAttempts: 3,
    });
    await runJobs();
    const failed = await client.get(job.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, maxAttempts: 3 });
    expect(failed.errorMessage).toBe('the certificate font cannot render these characters of the attendee name: 李, 小, 龍, 🎓');
    expect(saved.has(job.id)).toBe(false);
  });

  it('fails a job with an invalid payload at once, naming the field', async () => {
    const job = await client.enqueue({ jobType: 'certificate', payload: certificatePayload({ serial: '' }) });
    await runJobs();
    const failed = await client.get(job.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.errorMessage).toMatch(/^invalid certificate payload: serial/);
  });
});
