import { readFileSync } from 'node:fs';
import { callRpc } from '../../src/rpc/call';
import { service, type Actor, type QueueHarness } from '../support/harness';

const SEED = readFileSync(new URL('../../../../supabase/seed.sql', import.meta.url), 'utf8');

/** The seed's attendees (supabase/seed.sql) and an admin. */
export const ADA: Actor & { id: string } = { kind: 'user', id: '00000000-0000-4000-8000-00000000a7a1' };
export const BORIS: Actor & { id: string } = { kind: 'user', id: '00000000-0000-4000-8000-00000000b0b1' };
export const ADMIN: Actor & { id: string } = { kind: 'admin', id: '00000000-0000-4000-8000-0000000ad001' };
export const SUMMIT = '10000000-0000-4000-8000-000000000001';
export const ATHENS = '10000000-0000-4000-8000-000000000002';
export const MOSCOW = '10000000-0000-4000-8000-000000000003';
/** The worker id that holds Ada's leases (her browser tab) and the service role's. */
export const ADA_WORKER = 'ada-tab';
export const NODE_WORKER = 'node-1';
export const PDF_BASE64 = Buffer.from('%PDF-1.7\n% fuzz\n%%EOF\n').toString('base64');

/** Jobs in every state, owned by Ada unless said otherwise; ids for the fuzzers to aim at. */
export interface World {
  pending: string;
  scheduled: string;
  processing: string;
  failed: string;
  completed: string;
  cancelled: string;
  serviceLeased: string;
  borisPending: string;
  /** Ada's certificate job for SUMMIT, leased by ADA_WORKER (save_certificate can succeed). */
  certificateJob: string;
  /** An issued certificate's serial (Boris, ATHENS) and its verification code. */
  issuedSerial: string;
  issuedCode: string;
  /** That certificate's id, and a live download token for it (0023). */
  issuedCertificateId: string;
  downloadToken: string;
  allJobIds: string[];
}

interface Row {
  id: string;
}

const rpc = async <T>(h: QueueHarness, actor: Actor, fn: string, args: Record<string, unknown>) =>
  (await callRpc(h.transport(actor), fn, args)) as T;

/** Empties every table the RPCs write and builds the same small world again. */
export async function buildWorld(h: QueueHarness): Promise<World> {
  await h.sql(
    'truncate public.job_queue, public.queue_pauses, public.certificates, public.event_registrations, public.events cascade',
  );
  await h.sql(SEED);
  const enqueue = (actor: Actor, args: Record<string, unknown>) => rpc<Row>(h, actor, 'enqueue_job', args);

  // Boris's certificate, issued: verify_certificate and get_certificate_pdf have something to find.
  const borisCert = await rpc<Row & { payload: { serial: string; verification_code: string } }>(
    h,
    BORIS,
    'request_certificate',
    { p_event_id: ATHENS },
  );
  await rpc(h, BORIS, 'claim_jobs', { p_worker_id: 'boris-tab', p_job_types: ['certificate'] });
  await rpc(h, BORIS, 'save_certificate', { p_job_id: borisCert.id, p_worker_id: 'boris-tab', p_pdf_base64: PDF_BASE64 });
  await rpc(h, BORIS, 'complete_job', { p_job_id: borisCert.id, p_worker_id: 'boris-tab' });

  // Ada's certificate job, leased by her tab.
  const certificateJob = (await rpc<Row>(h, ADA, 'request_certificate', { p_event_id: SUMMIT })).id;
  await rpc(h, ADA, 'claim_jobs', { p_worker_id: ADA_WORKER, p_job_types: ['certificate'] });

  const processing = (await enqueue(ADA, { p_job_type: 'fuzz.run', p_priority: 1 })).id;
  await rpc(h, ADA, 'claim_jobs', { p_worker_id: ADA_WORKER, p_job_types: ['fuzz.run'] });
  const failed = (await enqueue(ADA, { p_job_type: 'fuzz.fail', p_max_attempts: 1 })).id;
  await rpc(h, ADA, 'claim_jobs', { p_worker_id: ADA_WORKER, p_job_types: ['fuzz.fail'] });
  await rpc(h, ADA, 'fail_job', { p_job_id: failed, p_worker_id: ADA_WORKER, p_error: 'boom', p_retryable: false });
  const completed = (await enqueue(ADA, { p_job_type: 'fuzz.done' })).id;
  await rpc(h, ADA, 'claim_jobs', { p_worker_id: ADA_WORKER, p_job_types: ['fuzz.done'] });
  await rpc(h, ADA, 'complete_job', { p_job_id: completed, p_worker_id: ADA_WORKER, p_result: { ok: true } });
  const cancelled = (await enqueue(ADA, { p_job_type: 'fuzz.cancel' })).id;
  await rpc(h, ADA, 'cancel_job', { p_job_id: cancelled });
  const serviceLeased = (await enqueue(service, { p_job_type: 'fuzz.server' })).id;
  await rpc(h, service, 'claim_jobs', { p_worker_id: NODE_WORKER, p_job_types: ['fuzz.server'] });
  const pending = (await enqueue(ADA, { p_job_type: 'fuzz.wait', p_job_key: 'k1' })).id;
  const scheduled = (await enqueue(ADA, { p_job_type: 'fuzz.later', p_run_at: '2099-01-01T00:00:00Z' })).id;
  const borisPending = (await enqueue(BORIS, { p_job_type: 'fuzz.wait' })).id;

  const [issued] = await h.sql<{ id: string; serial: string; verification_code: string }>(
    'select id, serial, verification_code from public.certificates where issued_at is not null',
  );
  const [download] = await rpc<Array<{ token: string }>>(h, BORIS, 'create_certificate_download', {
    p_certificate_id: issued!.id,
    p_expires_in_seconds: 3600,
  });
  return {
    pending,
    scheduled,
    processing,
    failed,
    completed,
    cancelled,
    serviceLeased,
    borisPending,
    certificateJob,
    issuedSerial: issued!.serial,
    issuedCode: issued!.verification_code,
    issuedCertificateId: issued!.id,
    downloadToken: download!.token,
    allJobIds: [pending, scheduled, processing, failed, completed, cancelled, serviceLeased, borisPending, certificateJob, borisCert.id],
  };
}
