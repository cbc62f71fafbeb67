import { callRpc, jobRowSchema, type Job, type Transport } from '@tessera/queue';
import { z } from 'zod';

// Typed wrappers of the certificate app's SQL functions (supabase/migrations/0009_certificates.sql).

const myEventSchema = z
  .object({
    event_id: z.string(),
    title: z.string(),
    starts_on: z.string(),
    location: z.string().nullable(),
    attendee_name: z.string(),
    certificate_serial: z.string().nullable(),
    certificate_issued_at: z.string().nullable(),
    job_id: z.string().nullable(),
  })
  .transform((row) => ({
    eventId: row.event_id,
    title: row.title,
    startsOn: row.starts_on,
    location: row.location,
    attendeeName: row.attendee_name,
    certificateSerial: row.certificate_serial,
    certificateIssuedAt: row.certificate_issued_at ? new Date(row.certificate_issued_at) : null,
    jobId: row.job_id,
  }));
export type MyEvent = z.output<typeof myEventSchema>;

const myCertificateSchema = z
  .object({
    serial: z.string(),
    verification_code: z.string(),
    attendee_name: z.string(),
    event_title: z.string(),
    event_date: z.string(),
    issued_at: z.string(),
    bytes: z.number().nullable(),
  })
  .transform((row) => ({
    serial: row.serial,
    verificationCode: row.verification_code,
    attendeeName: row.attendee_name,
    eventTitle: row.event_title,
    eventDate: row.event_date,
    issuedAt: new Date(row.issued_at),
    bytes: row.bytes,
  }));
export type MyCertificate = z.output<typeof myCertificateSchema>;

const verificationSchema = z
  .object({
    serial: z.string(),
    attendee_name: z.string(),
    event_title: z.string(),
    event_date: z.string(),
    event_location: z.string().nullable(),
    issued_at: z.string(),
    code_matches: z.boolean().nullable(),
  })
  .transform((row) => ({
    serial: row.serial,
    attendeeName: row.attendee_name,
    eventTitle: row.event_title,
    eventDate: row.event_date,
    eventLocation: row.event_location,
    issuedAt: row.issued_at,
    codeMatches: row.code_matches,
  }));
export type Verification = z.output<typeof verificationSchema>;

export async function requestCertificate(transport: Transport, eventId: string): Promise<Job> {
  return jobRowSchema.parse(await callRpc(transport, 'request_certificate', { p_event_id: eventId }));
}

export async function myEvents(transport: Transport): Promise<MyEvent[]> {
  return parseMyEvents(await callRpc(transport, 'my_events'));
}

/** my_events rows as the database returns them (JSON: safe to cache) → MyEvent. */
export function parseMyEvents(rows: unknown): MyEvent[] {
  return z.array(myEventSchema).parse(rows);
}

export async function myCertificates(transport: Transport): Promise<MyCertificate[]> {
  return z.array(myCertificateSchema).parse(await callRpc(transport, 'my_certificates'));
}

/** Null when no issued certificate has this serial. */
export async function verifyCertificate(
  transport: Transport,
  serial: string,
  verificationCode?: string,
): Promise<Verification | null> {
  const rows = z
    .array(verificationSchema)
    .parse(await callRpc(transport, 'verify_certificate', { p_serial: serial, p_verification_code: verificationCode }));
  return rows[0] ?? null;
}

export async function certificatePdf(transport: Transport, serial: string): Promise<Uint8Array> {
  const base64 = z.string().parse(await callRpc(transport, 'get_certificate_pdf', { p_serial: serial }));
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

export async function saveCertificate(transport: Transport, jobId: string, workerId: string, pdf: Uint8Array) {
  let binary = '';
  for (let i = 0; i < pdf.length; i += 0x8000) binary += String.fromCharCode(...pdf.subarray(i, i + 0x8000));
  await callRpc(transport, 'save_certificate', { p_job_id: jobId, p_worker_id: workerId, p_pdf_base64: btoa(binary) });
}
