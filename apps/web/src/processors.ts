import { createCertificateProcessor } from '@tessera/certificates';
import { browserFonts, createWorkerRenderer } from '@tessera/certificates/browser';
import type { Processors, Transport } from '@tessera/queue';
import { saveCertificate } from './api/certificates';
import { verifyUrlFor } from './config';

let renderer: ReturnType<typeof createWorkerRenderer> | undefined;

/**
 * The browser's processors: the certificate is rendered in a Web Worker (the page never
 * freezes) and saved through save_certificate, as the lease holder, by this user.
 */
export function browserProcessors(transport: Transport, publicAppUrl: string): Processors {
  renderer ??= createWorkerRenderer();
  const render = renderer.render;
  return {
    certificate: createCertificateProcessor({
      verifyUrlFor: (serial) => verifyUrlFor(publicAppUrl, serial),
      saveCertificate: (jobId, workerId, pdf) => saveCertificate(transport, jobId, workerId, pdf),
      render,
      fonts: browserFonts(),
    }),
  };
}
