import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callRpc } from '../../packages/queue/src/rpc/call';
import {
  ConflictError,
  LeaseLostError,
  NotAllowedError,
  NotFoundError,
  ValidationError,
} from '../../packages/queue/src/errors';
import { anon, service, type Actor, type QueueHarness } from '../../packages/queue/test/support/harness';

const SEED = readFileSync(new URL('../seed.sql', import.meta.url), 'utf8');
const ADA: Actor = { kind: 'user', id: '00000000-0000-4000-8000-00000000a7a1' };
const BORIS: Actor = { kind: 'user', id: '00000000-0000-4000-8000-00000000b0b1' };
const STRANGER: Actor = { kind: 'user', id: '00000000-0000-4000-8000-0000000000ff' };
const SUMMIT = '10000000-0000-4000-8000-000000000001';
const ATHENS = '10000000-0000-4000-8000-000000000002';
const PDF = Buffer.from('%PDF-1.7\n% a tiny but well-formed header for the checks\n%%EOF\n').toString('base64');

interface JobRow {
  id: string;
  job_type: string;
  status: string;
  payload: Record<string, unknown>;
}

/** The certificate app's SQL, the same on every backend. */
export function describeCertificateContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`certificate SQL on ${name}`, () => {
    let h: QueueHarness;
    const rpc = (actor: Actor, fn: string, args?: Record<string, unknown>) => callRpc(h.transport(actor), fn, args);
    const request = async (actor: Actor, eventId: string) =>
      (await rpc(actor, 'request_certificate', { p_event_id: eventId })) as JobRow;
    const claim = async (actor: Actor, workerId: string) =>
      (await rpc(actor, 'claim_jobs', { p_worker_id: workerId, p_limit: 1 })) as JobRow[];

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.sql('truncate public.certificates, public.event_registrations, public.events, public.job_queue cascade');
      await h.sql(SEED);
    });

    it('builds the certificate job payload from the database, never from the client', async () => {
      const job = await request(ADA, SUMMIT);
      expect(job).toMatchObject({ job_type: 'certificate', status: 'pending' });
      expect(job.payload).toMatchObject({
        attendee_name: 'Ada Lovelace',
        event_title: 'Postgres Queues Summit',
        event_date: '2026-10-14',
        event_location: 'Lisbon',
      });
      expect(job.payload.serial).toMatch(/^TSR-2026-\d{6}$/);
      expect(job.payload.verification_code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    });

    it('a double click yields one job and one certificate', async () => {
      const [first, second] = await Promise.all([request(ADA, SUMMIT), request(ADA, SUMMIT)]);
      const third = await request(ADA, SUMMIT);
      expect(new Set([first.id, second.id, third.id]).size).toBe(1);
      const [counts] = await h.sql<{ jobs: number; certificates: number }>(
        `select (select count(*)::int from public.job_queue) as jobs,
                (select count(*)::int from public.certificates) as certificates`,
      );
      expect(counts).toEqual({ jobs: 1, certificates: 1 });
    });

    it('refuses attendees who are not registered, and anonymous callers', async () => {
      await expect(request(STRANGER, SUMMIT)).rejects.toBeInstanceOf(NotAllowedError);
      await expect(request(STRANGER, SUMMIT)).rejects.toThrow(/not registered for this event/);
      await expect(request(anon, SUMMIT)).rejects.toBeInstanceOf(NotAllowedError);
      const [row] = await h.sql<{ n: number }>('select count(*)::int as n from public.job_queue');
      expect(row?.n).toBe(0);
    });

    it('the lease holder saves the PDF; the certificate is then issued and verifiable by anyone', async () => {
      const job = await request(ADA, SUMMIT);
      await claim(ADA, 'ada-tab');
      const saved = (await rpc(ADA, 'save_certificate', {
        p_job_id: job.id,
        p_worker_id: 'ada-tab',
        p_pdf_base64: PDF,
      })) as Array<{ serial: string; bytes: number }>;
      expect(saved[0]).toMatchObject({ serial: job.payload.serial, bytes: Buffer.from(PDF, 'base64').length });
      const verified = (await rpc(anon, 'verify_certificate', {
        p_serial: job.payload.serial,
        p_verification_code: job.payload.verification_code,
      })) as Array<Record<string, unknown>>;
      expect(verified).toHaveLength(1);
      expect(verified[0]).toMatchObject({
        serial: job.payload.serial,
        attendee_name: 'Ada Lovelace',
        event_title: 'Postgres Queues Summit',
        event_date: '2026-10-14',
        code_matches: true,
      });
      expect(Object.keys(verified[0]!)).not.toContain('verification_code');
      const wrongCode = (await rpc(anon, 'verify_certificate', {
        p_serial: job.payload.serial,
        p_verification_code: 'AAAA-AAAA',
      })) as Array<{ code_matches: boolean }>;
      expect(wrongCode[0]?.code_matches).toBe(false);
      const pdf = (await rpc(ADA, 'get_certificate_pdf', { p_serial: job.payload.serial })) as string;
      expect(Buffer.from(pdf, 'base64').toString('latin1')).toMatch(/^%PDF-/);
    });

    it('shows nothing for an unknown or not yet issued serial', async () => {
      const job = await request(ADA, SUMMIT);
      expect(await rpc(anon, 'verify_certificate', { p_serial: job.payload.serial })).toEqual([]);
      expect(await rpc(anon, 'verify_certificate', { p_serial: 'TSR-2026-999999' })).toEqual([]);
    });

    it('only the lease holder can save, and only a real PDF', async () => {
      const job = await request(ADA, SUMMIT);
      await claim(ADA, 'ada-tab');
      const save = (actor: Actor, workerId: string, pdf: string) =>
        rpc(actor, 'save_certificate', { p_job_id: job.id, p_worker_id: workerId, p_pdf_base64: pdf });
      await expect(save(BORIS, 'ada-tab', PDF)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(save(ADA, 'other-tab', PDF)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(save(ADA, 'ada-tab', Buffer.from('<html>').toString('base64'))).rejects.toThrow(/not a PDF/);
      await expect(save(ADA, 'ada-tab', 'not base64 at all!')).rejects.toBeInstanceOf(ValidationError);
      const [row] = await h.sql<{ issued: number }>(
        'select count(*)::int as issued from public.certificates where issued_at is not null',
      );
      expect(row?.issued).toBe(0);
    });

    it('a certificate job of another kind cannot write a certificate', async () => {
      const fake = (await rpc(ADA, 'enqueue_job', {
        p_job_type: 'not.certificate',
        p_payload: { certificate_id: '00000000-0000-0000-0000-000000000000' },
      })) as JobRow;
      await claim(ADA, 'ada-tab');
      await expect(
        rpc(ADA, 'save_certificate', { p_job_id: fake.id, p_worker_id: 'ada-tab', p_pdf_base64: PDF }),
      ).rejects.toThrow(/not a certificate job/);
    });

    it('a hand-made certificate job cannot write to a real certificate', async () => {
      const real = await request(BORIS, SUMMIT);
      // Ada may not enqueue a "certificate" job pointing at Boris's certificate (0018: user_enqueue = false)...
      await expect(rpc(ADA, 'enqueue_job', { p_job_type: 'certificate', p_payload: real.payload })).rejects.toBeInstanceOf(
        NotAllowedError,
      );
      // ...and one that exists anyway (made before that policy) cannot write it: save must refuse it.
      await h.sql(`insert into public.job_queue (job_type, payload, user_id) values ('certificate', $1, $2)`, [
        real.payload,
        (ADA as { id: string }).id,
      ]);
      const [forged] = await claim(ADA, 'ada-tab');
      await expect(
        rpc(ADA, 'save_certificate', { p_job_id: forged!.id, p_worker_id: 'ada-tab', p_pdf_base64: PDF }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('my_events lists the caller’s registrations with certificate state; RLS hides others', async () => {
      await request(ADA, SUMMIT);
      const events = (await rpc(ADA, 'my_events')) as Array<{ title: string; certificate_serial: string | null }>;
      expect(events.map((event) => event.title).sort()).toEqual(['Postgres Queues Summit', 'Συνέδριο Ανοιχτού Λογισμικού']);
      expect(events.find((event) => event.title === 'Postgres Queues Summit')?.certificate_serial).toMatch(/^TSR-/);
      expect(await h.sqlAs(BORIS, 'select serial from public.certificates')).toEqual([]);
      expect(await h.sqlAs(anon, 'select title from public.events order by title limit 1')).toHaveLength(1);
      await expect(h.sqlAs(anon, 'select * from public.certificates')).rejects.toThrow(/permission denied/);
    });

    it('nobody else can download a certificate', async () => {
      const job = await request(ADA, ATHENS);
      await claim(ADA, 'ada-tab');
      await rpc(ADA, 'save_certificate', { p_job_id: job.id, p_worker_id: 'ada-tab', p_pdf_base64: PDF });
      await expect(rpc(BORIS, 'get_certificate_pdf', { p_serial: job.payload.serial })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await rpc(service, 'get_certificate_pdf', { p_serial: job.payload.serial })).toBe(PDF);
    });

    it('requesting again after issue returns the finished job, not a new one', async () => {
      const job = await request(ADA, SUMMIT);
      await claim(ADA, 'ada-tab');
      await rpc(ADA, 'save_certificate', { p_job_id: job.id, p_worker_id: 'ada-tab', p_pdf_base64: PDF });
      await rpc(ADA, 'complete_job', { p_job_id: job.id, p_worker_id: 'ada-tab', p_result: { serial: job.payload.serial } });
      const again = await request(ADA, SUMMIT);
      expect(again).toMatchObject({ id: job.id, status: 'completed' });
    });

    it('after a failed job, asking again queues a new job for the same certificate', async () => {
      const job = await request(ADA, SUMMIT);
      await claim(ADA, 'ada-tab');
      await rpc(ADA, 'fail_job', { p_job_id: job.id, p_worker_id: 'ada-tab', p_error: 'font missing', p_retryable: false });
      const again = await request(ADA, SUMMIT);
      expect(again.id).not.toBe(job.id);
      expect(again.payload.serial).toBe(job.payload.serial);
      // A manual retry of the old job now conflicts with the live one: one certificate job at a time.
      await expect(rpc(ADA, 'retry_job', { p_job_id: job.id })).rejects.toBeInstanceOf(ConflictError);
    });
  });
}
