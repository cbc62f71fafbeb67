import { callRpc, type Transport } from '@tessera/queue';
import { z } from 'zod';

const detailsRowSchema = z.object({
  certificate_id: z.string(),
  serial: z.string(),
  attendee_name: z.string(),
  event_title: z.string(),
  event_date: z.string(), // YYYY-MM-DD
  event_location: z.string().nullable(),
  user_id: z.string(),
  email: z.string().nullable(),
  issued_at: z.union([z.string(), z.date()]).nullable().transform((d) => (d === null ? null : new Date(d))),
  pdf_bytes: z.number().nullable(),
  job_id: z.string().nullable(),
  job_status: z.string().nullable(),
  job_error: z.string().nullable(),
});

export type NotificationDetails = z.output<typeof detailsRowSchema>;

/** The certificate, its event, the attendee's address and the job's outcome (service role only). */
export async function fetchNotificationDetails(
  transport: Transport,
  certificateId: string,
  jobId: string,
): Promise<NotificationDetails> {
  const rows = await callRpc(transport, 'notification_details', { p_certificate_id: certificateId, p_job_id: jobId });
  const [row] = z.array(detailsRowSchema).parse(rows);
  if (!row) throw new Error(`no details for certificate ${certificateId}`);
  return row;
}
