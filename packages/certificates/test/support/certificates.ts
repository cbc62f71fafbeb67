import type { Job } from '@tessera/queue';
import type { CertificateData, CertificatePayload } from '../../src/index';
import { nodeFonts } from '../../src/node';

/** One font loader for the whole test run, as a worker process would have. */
export const fonts = nodeFonts();

export const verifyUrlFor = (serial: string) => `https://tessera.example/verify/${serial}`;

export function certificateData(overrides: Partial<CertificateData> = {}): CertificateData {
  return {
    certificateId: '7d8b4c1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f',
    serial: 'TSR-2026-000042',
    verificationCode: 'K7Q2-9XMB',
    attendeeName: 'Ada Lovelace',
    eventTitle: 'Supabase Meetup Lisbon',
    eventDate: '2026-03-12',
    eventLocation: 'LX Factory, Lisbon',
    ...overrides,
  };
}

/** The payload `request_certificate` builds (snake_case, as stored in job_queue.payload). */
export function certificatePayload(overrides: Partial<CertificatePayload> = {}): CertificatePayload {
  return {
    certificate_id: '7d8b4c1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f',
    serial: 'TSR-2026-000042',
    verification_code: 'K7Q2-9XMB',
    attendee_name: 'Ada Lovelace',
    event_title: 'Supabase Meetup Lisbon',
    event_date: '2026-03-12',
    event_location: 'LX Factory, Lisbon',
    ...overrides,
  };
}

/** A claimed `certificate` job as JobWorker hands it to a processor. */
export function certificateJob(payload: Record<string, unknown>): Job {
  const now = new Date('2026-03-12T10:00:00Z');
  return {
    id: '3f0c9a56-1b7e-4d2a-9c11-5e6f7a8b9c0d',
    jobType: 'certificate',
    payload,
    status: 'processing',
    priority: 5,
    attempts: 1,
    maxAttempts: 3,
    runAt: now,
    lockedBy: 'worker-1',
    lockedUntil: new Date(now.getTime() + 300_000),
    progress: 0,
    result: null,
    errorMessage: null,
    errors: [],
    jobKey: null,
    cancelRequested: false,
    userId: '11111111-1111-4111-8111-111111111111',
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    completedAt: null,
  };
}
