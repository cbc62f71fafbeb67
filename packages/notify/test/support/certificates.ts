import { readFileSync } from 'node:fs';
import { callRpc } from '../../../queue/src/rpc/call';
import { service, type Actor, type QueueHarness } from '../../../queue/test/support/harness';

export const SEED = readFileSync(new URL('../../../../supabase/seed.sql', import.meta.url), 'utf8');
export const ADA: Actor & { id: string } = { kind: 'user', id: '00000000-0000-4000-8000-00000000a7a1' };
export const SUMMIT = '10000000-0000-4000-8000-000000000001';
export const ATHENS = '10000000-0000-4000-8000-000000000002';
/** A small file that passes save_certificate's checks (starts with %PDF-). */
export const PDF_BYTES = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

export interface CertificateJob {
  id: string;
  payload: { certificate_id: string; serial: string };
}

/** Empties the app's tables and loads the seed (events, registrations, users with emails). */
export async function resetApp(h: QueueHarness): Promise<void> {
  await h.sql('truncate public.certificates, public.event_registrations, public.events, public.job_queue, auth.users cascade');
  await h.sql(SEED);
}

export async function setNotificationSettings(h: QueueHarness, settings: Record<string, unknown>): Promise<void> {
  await callRpc(h.transport(service), 'set_notification_settings', { p_settings: settings });
}

/** Ada asks for a certificate and her tab renders it: issued, then completed (or failed for good). */
export async function finishCertificate(
  h: QueueHarness,
  eventId: string,
  outcome: 'completed' | 'failed' = 'completed',
): Promise<CertificateJob> {
  const rpc = (fn: string, args: Record<string, unknown>) => callRpc(h.transport(ADA), fn, args);
  const job = (await rpc('request_certificate', { p_event_id: eventId })) as CertificateJob;
  await rpc('claim_jobs', { p_worker_id: 'ada-tab', p_limit: 1 });
  if (outcome === 'failed') {
    await rpc('fail_job', { p_job_id: job.id, p_worker_id: 'ada-tab', p_error: 'font missing', p_retryable: false });
    return job;
  }
  await rpc('save_certificate', { p_job_id: job.id, p_worker_id: 'ada-tab', p_pdf_base64: PDF_BYTES.toString('base64') });
  await rpc('complete_job', { p_job_id: job.id, p_worker_id: 'ada-tab', p_result: {} });
  return job;
}
