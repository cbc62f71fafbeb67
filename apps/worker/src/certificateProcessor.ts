import { createCertificateProcessor, createDatabaseCertificateStore, verifyPageUrl } from '@tessera/certificates';
import { nodeFonts } from '@tessera/certificates/node';
import type { Processor, Transport } from '@tessera/queue';

/**
 * The browser's certificate processor, run by Node: renders in-thread with the fonts read from
 * the npm package and stores the PDF in the database (save_certificate), as the lease holder
 * (service role). `publicAppUrl` is checked already (PUBLIC_APP_URL, config.ts).
 */
export function nodeCertificateProcessor(transport: Transport, publicAppUrl: string): Processor {
  const store = createDatabaseCertificateStore({ transport, publicAppUrl });
  return createCertificateProcessor({
    verifyUrlFor: (serial) => verifyPageUrl(publicAppUrl, serial),
    saveCertificate: async (jobId, workerId, pdf) => {
      await store.save(jobId, workerId, pdf);
    },
    fonts: nodeFonts(),
  }) as Processor;
}
