import { QueueError, type Transport } from '@tessera/queue';
import { createDatabaseCertificateStore } from './databaseStore';
import { assertCertificatePdf, CERTIFICATE_BUCKET, downloadExpiry, PDF_CONTENT_TYPE } from './limits';
import { certificateUploadPath, getCertificateFile, saveCertificateObject } from './rpc';
import type { StorageErrorLike, SupabaseStorageLike } from './supabaseStorage';
import type { CertificateFile, CertificateStore, DownloadUrlOptions } from './types';

/** Supabase Storage refused or failed; `status` is its HTTP status when it answered. */
export class CertificateStorageError extends QueueError {
  readonly status: number | undefined;

  constructor(action: string, path: string, error: StorageErrorLike) {
    super(`Supabase Storage could not ${action} ${CERTIFICATE_BUCKET}/${path}: ${error.message}`, {
      code: error.statusCode,
      cause: error,
    });
    this.status = error.status;
  }
}

export interface SupabaseStorageCertificateStoreOptions {
  /**
   * The service role (Node worker, Edge Function) to save; a signed-in user may read and sign
   * URLs for their own certificates (the bucket's RLS policies).
   */
  transport: Transport;
  /** `supabase.storage` of a supabase-js client acting as the same caller. */
  storage: SupabaseStorageLike;
  /** Base of /download/<token> links for certificates a browser worker saved into the database. */
  publicAppUrl: string;
}

/**
 * PDFs in the private bucket `certificates` at `<user_id>/<serial>.pdf` (the path comes from the
 * database), downloaded through short-lived signed URLs. Certificates whose bytes are in the
 * database (a browser worker saved them) are read and linked as the database store does.
 */
export function createSupabaseStorageCertificateStore(options: SupabaseStorageCertificateStoreOptions): CertificateStore {
  const { transport, storage } = options;
  const database = createDatabaseCertificateStore({ transport, publicAppUrl: options.publicAppUrl });
  const bucket = () => storage.from(CERTIFICATE_BUCKET);

  return {
    kind: 'supabase-storage',
    async save(jobId, workerId, pdf) {
      // Checked here too (the bucket enforces 2 MiB and application/pdf): a refused upload
      // should say why before any bytes travel.
      assertCertificatePdf(pdf);
      const path = await certificateUploadPath(transport, jobId, workerId);
      // upsert: a retry after a failed step 2 overwrites its own earlier upload.
      const uploaded = await bucket().upload(path, pdf, { contentType: PDF_CONTENT_TYPE, upsert: true, cacheControl: '3600' });
      if (uploaded.error) throw new CertificateStorageError('upload', path, uploaded.error);
      return saveCertificateObject(transport, jobId, workerId, pdf.length);
    },
    async read(certificateId): Promise<CertificateFile> {
      const file = await getCertificateFile(transport, certificateId, true);
      if (!file.storagePath) return database.read(certificateId);
      const downloaded = await bucket().download(file.storagePath);
      if (downloaded.error) throw new CertificateStorageError('download', file.storagePath, downloaded.error);
      return {
        certificateId: file.certificateId,
        serial: file.serial,
        filename: file.filename,
        contentType: PDF_CONTENT_TYPE,
        bytes: new Uint8Array(await downloaded.data.arrayBuffer()),
      };
    },
    async downloadUrl(certificateId: string, downloadOptions: DownloadUrlOptions = {}) {
      const expiresInSeconds = downloadExpiry(downloadOptions.expiresInSeconds);
      const file = await getCertificateFile(transport, certificateId, false);
      if (!file.storagePath) return database.downloadUrl(certificateId, { expiresInSeconds });
      const signed = await bucket().createSignedUrl(file.storagePath, expiresInSeconds, { download: file.filename });
      if (signed.error) throw new CertificateStorageError('sign a URL for', file.storagePath, signed.error);
      return signed.data.signedUrl;
    },
  };
}
