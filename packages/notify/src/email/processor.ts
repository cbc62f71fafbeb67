import { InvalidStateError, NotFoundError, PermanentJobError, type Job, type JobContext, type Transport } from '@tessera/queue';
import type { CertificateFiles } from '../certificateFiles';
import type { EmailConfig } from '../config';
import { fetchNotificationDetails } from '../details';
import { notifyPayloadSchema } from '../payloads';
import { parseServiceJob } from '../serviceJob';
import type { Mailer } from './mailer';
import { certificateEmail } from './message';

export interface EmailProcessorOptions {
  /** Service-role access to the database (notification_details). */
  transport: Transport;
  files: CertificateFiles;
  mailer: Mailer;
  config: Pick<EmailConfig, 'from' | 'attachMaxBytes' | 'linkTtlSeconds'>;
}

export interface EmailResult {
  to: string;
  messageId: string | null;
  attached: boolean;
}

// Stable per notify job: a retry after a lost acknowledgement carries the same Message-ID,
// so mail systems and readers can fold the duplicate.
const messageIdFor = (jobId: string, from: string) => `<notify-${jobId}@${/@([^>\s]+)/.exec(from)?.[1] ?? 'tessera.invalid'}>`;

/**
 * `notify.email`: tells the attendee their certificate is ready (with a download link, and the
 * PDF attached when it is small enough) or could not be made. SMTP errors throw, so the queue
 * retries with its backoff; a job that can never succeed fails at once (PermanentJobError).
 */
export function createEmailProcessor(options: EmailProcessorOptions) {
  const { transport, files, mailer, config } = options;
  return async (job: Job, ctx: JobContext): Promise<EmailResult> => {
    const payload = parseServiceJob(job, notifyPayloadSchema);
    const details = await fetchNotificationDetails(transport, payload.certificate_id, payload.job_id).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new PermanentJobError(`certificate ${payload.certificate_id} no longer exists`);
      throw error;
    });
    if (!details.email) throw new PermanentJobError(`user ${details.user_id} has no email address`);
    ctx.signal.throwIfAborted();

    let downloadUrl: string | undefined;
    let linkExpiresAt: Date | undefined;
    const attachments: Array<{ filename: string; content: Buffer; contentType: string }> = [];
    if (payload.event === 'completed') {
      if (!details.issued_at) throw new PermanentJobError(`certificate ${details.serial} is not issued: nothing to send`);
      linkExpiresAt = new Date(Date.now() + config.linkTtlSeconds * 1000);
      // A store that cannot link this certificate (e.g. the database store, for a PDF an Edge
      // Function put in Supabase Storage) will not learn to on a retry.
      downloadUrl = await files.downloadUrl(details.certificate_id, { expiresInSeconds: config.linkTtlSeconds }).catch((error: unknown) => {
        if (error instanceof InvalidStateError) throw new PermanentJobError(`no download link: ${error.message}`, { cause: error });
        throw error;
      });
      // Read only what may be attached: a size known to be over the limit is not fetched at all.
      const mayAttach = files.read && config.attachMaxBytes > 0 && (details.pdf_bytes ?? 0) <= config.attachMaxBytes;
      const pdf = mayAttach
        ? await files.read!(details.certificate_id).catch((error: unknown) => {
            if (error instanceof InvalidStateError) return undefined; // link only
            throw error;
          })
        : undefined;
      if (pdf) {
        const { bytes } = pdf;
        if (bytes.byteLength <= config.attachMaxBytes) {
          attachments.push({ filename: `${details.serial}.pdf`, content: Buffer.from(bytes), contentType: 'application/pdf' });
        }
      }
    }
    const content = certificateEmail({
      event: payload.event,
      details,
      downloadUrl,
      linkExpiresAt,
      attached: attachments.length > 0,
    });
    ctx.progress(50);
    const info = await mailer.sendMail({
      from: config.from,
      to: details.email,
      ...content,
      messageId: messageIdFor(job.id, config.from),
      attachments,
      signal: ctx.signal,
    });
    return { to: details.email, messageId: info.messageId ?? null, attached: attachments.length > 0 };
  };
}
