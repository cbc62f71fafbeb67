export type { CertificateFile, CertificateStore, CertificateStoreKind, DownloadUrlOptions, SavedCertificate } from './types';
export { createCertificateStore, type CertificateStoreOptions } from './createCertificateStore';
export { createDatabaseCertificateStore, type DatabaseCertificateStoreOptions } from './databaseStore';
export {
  CertificateStorageError,
  createSupabaseStorageCertificateStore,
  type SupabaseStorageCertificateStoreOptions,
} from './supabaseStorageStore';
export type { StorageBucketLike, StorageErrorLike, StorageResult, StorageUploadOptions, SupabaseStorageLike } from './supabaseStorage';
export {
  assertCertificatePdf,
  CERTIFICATE_BUCKET,
  DEFAULT_DOWNLOAD_EXPIRY_SECONDS,
  MAX_CERTIFICATE_PDF_BYTES,
  MAX_DOWNLOAD_EXPIRY_SECONDS,
  PDF_CONTENT_TYPE,
} from './limits';
export {
  downloadPageUrl,
  parsePublicAppUrl,
  PublicAppUrlError,
  requirePublicAppUrl,
  verifyPageUrl,
} from './publicAppUrl';
export { redeemCertificateDownload, type DownloadedCertificate } from './rpc';
