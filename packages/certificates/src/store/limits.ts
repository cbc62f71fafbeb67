import { ValidationError } from '@tessera/queue';
import { z } from 'zod';

/** The largest certificate PDF either store accepts (as certificates.pdf's check and the bucket). */
export const MAX_CERTIFICATE_PDF_BYTES = 2 * 1024 * 1024;
export const PDF_CONTENT_TYPE = 'application/pdf';
/** The private Supabase Storage bucket of the supabase-storage store (0023_certificate_storage.sql). */
export const CERTIFICATE_BUCKET = 'certificates';

/** Download links: 15 minutes unless asked otherwise; at most 7 days (the SQL's limit too). */
export const DEFAULT_DOWNLOAD_EXPIRY_SECONDS = 900;
export const MAX_DOWNLOAD_EXPIRY_SECONDS = 7 * 24 * 3600;

const expirySchema = z
  .number({ error: 'expiresInSeconds must be a number' })
  .int('expiresInSeconds must be a whole number of seconds')
  .min(1, 'expiresInSeconds must be at least 1')
  .max(MAX_DOWNLOAD_EXPIRY_SECONDS, `expiresInSeconds must be at most ${MAX_DOWNLOAD_EXPIRY_SECONDS} (7 days)`)
  .default(DEFAULT_DOWNLOAD_EXPIRY_SECONDS);

/** The link lifetime asked for, checked; a ValidationError names the problem. */
export function downloadExpiry(expiresInSeconds: number | undefined): number {
  const parsed = expirySchema.safeParse(expiresInSeconds);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** Checked before anything is sent: a PDF, present, at most 2 MiB (the database checks again). */
export function assertCertificatePdf(pdf: Uint8Array): void {
  if (!(pdf instanceof Uint8Array) || pdf.length === 0) throw new ValidationError('the certificate PDF is empty');
  if (pdf.length > MAX_CERTIFICATE_PDF_BYTES) {
    throw new ValidationError(`the certificate PDF has ${pdf.length} bytes; at most ${MAX_CERTIFICATE_PDF_BYTES} (2 MiB) are stored`);
  }
  if (!PDF_MAGIC.every((byte, index) => pdf[index] === byte)) {
    throw new ValidationError('not a PDF: the file does not start with %PDF-');
  }
}
