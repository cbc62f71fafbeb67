import { PermanentJobError } from '@tessera/queue';
import { z } from 'zod';

/** What `request_certificate` (SQL) puts in a `certificate` job: server-authoritative, never built by a browser. */
export const certificatePayloadSchema = z
  .object({
    // Any uuid Postgres can produce: gen_random_uuid() is v4, but the column accepts every canonical form.
    certificate_id: z.guid(),
    serial: z.string().trim().min(1).max(64),
    verification_code: z.string().trim().min(1).max(64),
    attendee_name: z.string().trim().min(1).max(200),
    event_title: z.string().trim().min(1).max(200),
    event_date: z.iso.date(),
    event_location: z.string().trim().max(200).nullish(),
  })
  .transform(
    (payload): CertificateData => ({
      certificateId: payload.certificate_id,
      serial: payload.serial,
      verificationCode: payload.verification_code,
      attendeeName: payload.attendee_name,
      eventTitle: payload.event_title,
      eventDate: payload.event_date,
      eventLocation: payload.event_location ? payload.event_location : null,
    }),
  );

export type CertificatePayload = z.input<typeof certificatePayloadSchema>;

/** The certificate's content, camelCase; what a renderer draws. */
export interface CertificateData {
  certificateId: string;
  serial: string;
  verificationCode: string;
  attendeeName: string;
  eventTitle: string;
  /** `YYYY-MM-DD`, a calendar date (no time zone). */
  eventDate: string;
  eventLocation: string | null;
}

/** Parses a job payload; a bad one can never succeed on retry, so it fails the job permanently. */
export function parseCertificatePayload(payload: unknown): CertificateData {
  const parsed = certificatePayloadSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  throw new PermanentJobError(`invalid certificate payload: ${problems}`, { cause: parsed.error });
}
