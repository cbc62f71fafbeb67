import { InvalidStateError, type Transport } from '@tessera/queue';
import { assertCertificatePdf, downloadExpiry, PDF_CONTENT_TYPE } from './limits';
import { downloadPageUrl, parsePublicAppUrl } from './publicAppUrl';
import { createCertificateDownload, getCertificateFile, saveCertificatePdf } from './rpc';
import type { CertificateFile, CertificateStore, DownloadUrlOptions } from './types';

export interface DatabaseCertificateStoreOptions {
  /** Who calls: the service role (Node, Edge Function) or a signed-in user (browser). */
  transport: Transport;
  /** Base of the /download/<token> links (PUBLIC_APP_URL / VITE_PUBLIC_APP_URL). */
  publicAppUrl: string;
}

/**
 * PDFs in certificates.pdf (Postgres or PGlite): the embedded default and the tests. Downloads
 * go through short-lived tokens redeemed by the app's /download/<token> page.
 */
export function createDatabaseCertificateStore(options: DatabaseCertificateStoreOptions): CertificateStore {
  const { transport } = options;
  const publicAppUrl = parsePublicAppUrl(options.publicAppUrl, 'publicAppUrl');
  return {
    kind: 'database',
    async save(jobId, workerId, pdf) {
      assertCertificatePdf(pdf);
      return saveCertificatePdf(transport, jobId, workerId, pdf);
    },
    async read(certificateId): Promise<CertificateFile> {
      const file = await getCertificateFile(transport, certificateId, true);
      if (!file.pdf) {
        throw new InvalidStateError(
          `certificate ${file.serial} is kept in Supabase Storage (${file.storagePath ?? 'no path'}): read it with the supabase-storage store`,
        );
      }
      return {
        certificateId: file.certificateId,
        serial: file.serial,
        filename: file.filename,
        contentType: PDF_CONTENT_TYPE,
        bytes: file.pdf,
      };
    },
    async downloadUrl(certificateId: string, downloadOptions: DownloadUrlOptions = {}) {
      const expiresInSeconds = downloadExpiry(downloadOptions.expiresInSeconds);
      const { token } = await createCertificateDownload(transport, certificateId, expiresInSeconds);
      return downloadPageUrl(publicAppUrl, token);
    },
  };
}
