import { callRpc, type Transport } from '@tessera/queue';
import { z } from 'zod';
import { base64ToBytes, bytesToBase64 } from './base64';
import type { SavedCertificate } from './types';

// Typed calls of the storage SQL (0009 save_certificate, 0023_certificate_storage.sql); the
// answers are parsed with zod at this edge.

const timestamp = z.string().transform((text) => new Date(text));

const savedRowSchema = z
  .object({ serial: z.string(), issued_at: timestamp, bytes: z.number().int(), storage_path: z.string().nullish() })
  .transform(
    (row): SavedCertificate => ({
      serial: row.serial,
      issuedAt: row.issued_at,
      bytes: row.bytes,
      storagePath: row.storage_path ?? null,
    }),
  );

function firstRow<T>(schema: z.ZodType<T>, rows: unknown, what: string): T {
  const [row] = z.array(schema).min(1, `${what} returned no row`).parse(rows);
  return row!;
}

/** The database store's save: the bytes go into certificates.pdf (lease holder only). */
export async function saveCertificatePdf(
  transport: Transport,
  jobId: string,
  workerId: string,
  pdf: Uint8Array,
): Promise<SavedCertificate> {
  const rows = await callRpc(transport, 'save_certificate', {
    p_job_id: jobId,
    p_worker_id: workerId,
    p_pdf_base64: bytesToBase64(pdf),
  });
  return firstRow(savedRowSchema, rows, 'save_certificate');
}

/** supabase-storage, step 1: the object path the database chose (`<user_id>/<serial>.pdf`); lease holder only. */
export async function certificateUploadPath(transport: Transport, jobId: string, workerId: string): Promise<string> {
  const path = await callRpc(transport, 'certificate_upload_path', { p_job_id: jobId, p_worker_id: workerId });
  return z.string().min(1).parse(path);
}

/** supabase-storage, step 2: the uploaded object becomes the certificate's file. */
export async function saveCertificateObject(
  transport: Transport,
  jobId: string,
  workerId: string,
  bytes: number,
): Promise<SavedCertificate> {
  const rows = await callRpc(transport, 'save_certificate_object', {
    p_job_id: jobId,
    p_bytes: bytes,
    p_worker_id: workerId,
  });
  return firstRow(savedRowSchema, rows, 'save_certificate_object');
}

/** An issued certificate as get_certificate_file describes it. */
export interface CertificateFileRow {
  certificateId: string;
  userId: string;
  serial: string;
  filename: string;
  storagePath: string | null;
  /** The bytes in the database (only when asked for and kept there). */
  pdf: Uint8Array | null;
}

const fileRowSchema = z
  .object({
    certificate_id: z.string(),
    user_id: z.string(),
    serial: z.string(),
    filename: z.string(),
    storage_path: z.string().nullable(),
    bytes: z.number().int().nullable(),
    pdf_base64: z.string().nullable(),
  })
  .transform(
    (row): CertificateFileRow => ({
      certificateId: row.certificate_id,
      userId: row.user_id,
      serial: row.serial,
      filename: row.filename,
      storagePath: row.storage_path,
      pdf: row.pdf_base64 === null ? null : base64ToBytes(row.pdf_base64),
    }),
  );

export async function getCertificateFile(
  transport: Transport,
  certificateId: string,
  withPdf: boolean,
): Promise<CertificateFileRow> {
  const rows = await callRpc(transport, 'get_certificate_file', { p_certificate_id: certificateId, p_with_pdf: withPdf });
  return firstRow(fileRowSchema, rows, 'get_certificate_file');
}

export interface CertificateDownloadToken {
  token: string;
  expiresAt: Date;
  filename: string;
}

const tokenRowSchema = z
  .object({ token: z.string().regex(/^[0-9a-f]{64}$/), expires_at: timestamp, filename: z.string() })
  .transform((row): CertificateDownloadToken => ({ token: row.token, expiresAt: row.expires_at, filename: row.filename }));

/** A download token for a database-kept PDF (its owner or the service role). */
export async function createCertificateDownload(
  transport: Transport,
  certificateId: string,
  expiresInSeconds: number,
): Promise<CertificateDownloadToken> {
  const rows = await callRpc(transport, 'create_certificate_download', {
    p_certificate_id: certificateId,
    p_expires_in_seconds: expiresInSeconds,
  });
  return firstRow(tokenRowSchema, rows, 'create_certificate_download');
}

/** What a download token gives, to anyone holding it. */
export interface DownloadedCertificate {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  expiresAt: Date;
}

const redeemedRowSchema = z
  .object({
    filename: z.string(),
    content_type: z.string(),
    bytes: z.number().int(),
    pdf_base64: z.string(),
    expires_at: timestamp,
  })
  .transform(
    (row): DownloadedCertificate => ({
      filename: row.filename,
      contentType: row.content_type,
      bytes: base64ToBytes(row.pdf_base64),
      expiresAt: row.expires_at,
    }),
  );

/**
 * Redeems a download token (as anyone: the anon transport of the /download page). Unknown →
 * NotFoundError, expired → InvalidStateError, malformed → ValidationError; each with a message.
 */
export async function redeemCertificateDownload(transport: Transport, token: string): Promise<DownloadedCertificate> {
  const rows = await callRpc(transport, 'redeem_certificate_download', { p_token: token });
  return firstRow(redeemedRowSchema, rows, 'redeem_certificate_download');
}
