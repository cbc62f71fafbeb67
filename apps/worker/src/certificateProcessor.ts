import { createCertificateProcessor } from '@tessera/certificates';
import { nodeFonts } from '@tessera/certificates/node';
import { callRpc, type Processor, type Transport } from '@tessera/queue';

/**
 * The browser's certificate processor, run by Node: renders in-thread with the fonts read from
 * the npm package and stores the PDF with save_certificate, as the lease holder (service role).
 */
export function nodeCertificateProcessor(transport: Transport, publicAppUrl: string): Processor {
  return createCertificateProcessor({
    verifyUrlFor: (serial) => `${publicAppUrl}/verify/${encodeURIComponent(serial)}`,
    saveCertificate: async (jobId, workerId, pdf) => {
      await callRpc(transport, 'save_certificate', {
        p_job_id: jobId,
        p_worker_id: workerId,
        p_pdf_base64: Buffer.from(pdf).toString('base64'),
      });
    },
    fonts: nodeFonts(),
  }) as Processor;
}
