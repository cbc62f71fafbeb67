import type { Job, JobContext, JobPayload } from '@tessera/queue';
import type { CertificateFonts } from './fonts/CertificateFonts';
import { type CertificateData, parseCertificatePayload } from './payload';

export interface CertificateProcessorOptions {
  /** The public verification page of a serial; the QR code links to it. */
  verifyUrlFor(serial: string): string;
  /** Stores the PDF (e.g. the `save_certificate` RPC, which takes only the job id and the bytes). */
  saveCertificate(jobId: string, workerId: string, pdf: Uint8Array): Promise<void>;
  /** Renders elsewhere, e.g. in a Web Worker (`createWorkerRenderer().render`); default: in this thread. */
  render?: (data: CertificateData, verifyUrl: string) => Promise<Uint8Array>;
  /** The Unicode font for the in-thread renderer. */
  fonts: CertificateFonts;
}

export interface CertificateJobResult {
  serial: string;
  bytes: number;
}

function throwIfAborted(ctx: JobContext): void {
  if (ctx.signal.aborted) throw ctx.signal.reason;
}

/** A `Processor` (from @tessera/queue) that always returns a promise. */
export type CertificateProcessor = (job: Job<JobPayload>, ctx: JobContext) => Promise<CertificateJobResult>;

/** The `certificate` job: validate the server-built payload, render the PDF, save it. */
export function createCertificateProcessor(options: CertificateProcessorOptions): CertificateProcessor {
  const render =
    options.render ??
    (async (data: CertificateData, verifyUrl: string) => {
      // Loaded on first use: a browser app that renders in a Web Worker never puts pdf-lib in its main bundle.
      const { renderCertificatePdf } = await import('./renderCertificatePdf');
      return renderCertificatePdf(data, { verifyUrl, fonts: options.fonts });
    });

  return async (job, ctx) => {
    throwIfAborted(ctx);
    const data = parseCertificatePayload(job.payload);
    ctx.progress(10, 'rendering');
    throwIfAborted(ctx);

    const pdf = await render(data, options.verifyUrlFor(data.serial));
    ctx.progress(60, 'saving');
    throwIfAborted(ctx);

    await options.saveCertificate(job.id, ctx.workerId, pdf);
    ctx.progress(90, 'saved');
    return { serial: data.serial, bytes: pdf.length };
  };
}
