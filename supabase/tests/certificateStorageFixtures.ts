import { readFileSync } from 'node:fs';
import { callRpc } from '../../packages/queue/src/rpc/call';
import type { Actor, QueueHarness } from '../../packages/queue/test/support/harness';

// The seed's attendees and events (supabase/seed.sql), for the certificate storage tests.
export const SEED = readFileSync(new URL('../seed.sql', import.meta.url), 'utf8');
export const ADA: Actor & { id: string } = { kind: 'user', id: '00000000-0000-4000-8000-00000000a7a1' };
export const BORIS: Actor & { id: string } = { kind: 'user', id: '00000000-0000-4000-8000-00000000b0b1' };
export const ADMIN: Actor & { id: string } = { kind: 'admin', id: '00000000-0000-4000-8000-0000000ad001' };
export const SUMMIT = '10000000-0000-4000-8000-000000000001';
export const ATHENS = '10000000-0000-4000-8000-000000000002';
export const PDF = Buffer.from('%PDF-1.7\n% a tiny but well-formed header for the checks\n%%EOF\n');
export const NODE_WORKER = 'node-1';

export interface CertificateJob {
  jobId: string;
  certificateId: string;
  serial: string;
  userId: string;
}

/** Empties the certificate app's tables and seeds them again. */
export async function resetCertificates(h: QueueHarness): Promise<void> {
  await h.sql('truncate public.certificates, public.event_registrations, public.events, public.job_queue cascade');
  await h.sql(SEED);
}

/** The attendee asks for a certificate (request_certificate), as in the browser. */
export async function requestCertificate(h: QueueHarness, actor: Actor & { id: string }, eventId: string): Promise<CertificateJob> {
  const job = (await callRpc(h.transport(actor), 'request_certificate', { p_event_id: eventId })) as {
    id: string;
    payload: { certificate_id: string; serial: string };
  };
  return { jobId: job.id, certificateId: job.payload.certificate_id, serial: job.payload.serial, userId: actor.id };
}

/** A server worker holds the job's lease (set by SQL: independent of claim policies). */
export async function leaseToService(h: QueueHarness, jobId: string, workerId = NODE_WORKER): Promise<void> {
  await h.sql(
    `update public.job_queue
        set status = 'processing', locked_by = $2, locked_by_service = true, attempts = attempts + 1,
            locked_until = now() + interval '5 minutes', started_at = now()
      where id = $1`,
    [jobId, workerId],
  );
}

/** Requested, rendered by the service role, PDF saved into the database: an issued certificate. */
export async function issueInDatabase(h: QueueHarness, actor: Actor & { id: string }, eventId: string): Promise<CertificateJob> {
  const certificate = await requestCertificate(h, actor, eventId);
  await leaseToService(h, certificate.jobId);
  await callRpc(h.transport({ kind: 'service' }), 'save_certificate', {
    p_job_id: certificate.jobId,
    p_worker_id: NODE_WORKER,
    p_pdf_base64: PDF.toString('base64'),
  });
  return certificate;
}
