/** Where certificate PDFs live: Postgres/PGlite rows, or the private Supabase Storage bucket. */
export type CertificateStoreKind = 'database' | 'supabase-storage';

/** What save() stored. */
export interface SavedCertificate {
  serial: string;
  issuedAt: Date;
  bytes: number;
  /** `<user_id>/<serial>.pdf` in the `certificates` bucket; null when the bytes are in the database. */
  storagePath: string | null;
}

/** An issued certificate's PDF. */
export interface CertificateFile {
  certificateId: string;
  serial: string;
  /** `<serial>.pdf` */
  filename: string;
  contentType: 'application/pdf';
  bytes: Uint8Array;
}

export interface DownloadUrlOptions {
  /** How long the link works, in seconds: 1 to 604800 (7 days); default 900 (15 minutes). */
  expiresInSeconds?: number;
}

/**
 * Saves and serves certificate PDFs. Every store reads certificates of either location (a browser
 * worker always saves into the database), so a caller such as a notification job need not know
 * which one holds a given PDF.
 */
export interface CertificateStore {
  readonly kind: CertificateStoreKind;
  /**
   * Stores the PDF of a certificate job, as the holder of its lease (`workerId`), and issues the
   * certificate. Refuses (ValidationError) an empty, non-PDF or over-2-MiB file before sending it.
   * Fits CertificateProcessorOptions.saveCertificate: `async (j, w, pdf) => { await store.save(j, w, pdf); }`.
   */
  save(jobId: string, workerId: string, pdf: Uint8Array): Promise<SavedCertificate>;
  /** The PDF of an issued certificate (its owner, an admin or the service role). */
  read(certificateId: string): Promise<CertificateFile>;
  /**
   * A link that downloads the PDF without signing in, valid for `expiresInSeconds`: a
   * `${publicAppUrl}/download/<token>` page for database-kept PDFs, a Storage signed URL otherwise.
   * For the certificate's owner or the service role.
   */
  downloadUrl(certificateId: string, options?: DownloadUrlOptions): Promise<string>;
}
