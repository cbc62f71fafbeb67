/**
 * What notifications need of the certificate store (packages/certificates' CertificateStore fits
 * as it is): a link that works without signing in, and the bytes for an attachment.
 */
export interface CertificateFiles {
  downloadUrl(certificateId: string, options: { expiresInSeconds?: number }): Promise<string>;
  /** The PDF; without it emails carry the link only. */
  read?(certificateId: string): Promise<{ bytes: Uint8Array }>;
}
