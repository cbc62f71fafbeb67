import { type JobContext, PermanentJobError, type Processor } from '@tessera/queue';
import { describe, expect, it } from 'vitest';
import { type CertificateData, createCertificateProcessor, type CertificateProcessorOptions } from '../src/index';
import { certificateJob, certificatePayload, fonts, verifyUrlFor } from './support/certificates';
import { loadPdf, textLines } from './support/pdf';

interface Saved {
  jobId: string;
  workerId: string;
  pdf: Uint8Array;
}

function setup(overrides: Partial<CertificateProcessorOptions> = {}) {
  const saved: Saved[] = [];
  const progress: number[] = [];
  const controller = new AbortController();
  const processor = createCertificateProcessor({
    verifyUrlFor,
    saveCertificate: async (jobId, workerId, pdf) => {
      saved.push({ jobId, workerId, pdf });
    },
    fonts,
    ...overrides,
  });
  const ctx: JobContext = { signal: controller.signal, workerId: 'worker-7', progress: (percent) => progress.push(percent) };
  const run = (payload: Record<string, unknown> = certificatePayload()) => processor(certificateJob(payload), ctx);
  return { run, saved, progress, controller };
}

describe('the certificate processor', () => {
  it('renders the certificate, saves it for the job and reports progress 10, 60, 90', async () => {
    const { run, saved, progress } = setup();
    const result = await run();

    expect(progress).toEqual([10, 60, 90]);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ jobId: certificateJob({}).id, workerId: 'worker-7' });
    expect(result).toEqual({ serial: 'TSR-2026-000042', bytes: saved[0]!.pdf.length });
    const pdf = await loadPdf(saved[0]!.pdf);
    expect(pdf.getPageCount()).toBe(1);
    expect(textLines(pdf).map((line) => line.text)).toEqual(
      expect.arrayContaining(['Ada Lovelace', 'TSR-2026-000042', 'https://tessera.example/verify/TSR-2026-000042']),
    );
  });

  it('hands a custom renderer (a Web Worker in the browser) the parsed data and the verify URL of the serial', async () => {
    const calls: [CertificateData, string][] = [];
    const pdf = new Uint8Array([37, 80, 68, 70]);
    const { run, saved } = setup({
      render: async (data, verifyUrl) => {
        calls.push([data, verifyUrl]);
        return pdf;
      },
    });
    await expect(run()).resolves.toEqual({ serial: 'TSR-2026-000042', bytes: 4 });
    expect(calls).toEqual([
      [expect.objectContaining({ attendeeName: 'Ada Lovelace', eventDate: '2026-03-12' }), 'https://tessera.example/verify/TSR-2026-000042'],
    ]);
    expect(saved[0]!.pdf).toBe(pdf);
  });

  it('fails permanently, naming the field, when the payload is invalid', async () => {
    let rendered = false;
    const { run, saved, progress } = setup({
      render: async () => {
        rendered = true;
        return new Uint8Array();
      },
    });
    const error = await run(certificatePayload({ event_date: 'next Tuesday' })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toMatch(/^invalid certificate payload: event_date/);
    expect(rendered).toBe(false);
    expect(saved).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('fails permanently, without saving anything, when a name has characters no font can draw', async () => {
    const { run, saved, progress } = setup();
    const error = await run(certificatePayload({ attendee_name: 'Li 李 🎓' })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).name).toBe('UnsupportedCharactersError');
    expect((error as Error).message).toBe('the certificate font cannot render these characters of the attendee name: 李, 🎓');
    expect(saved).toEqual([]);
    expect(progress).toEqual([10]);
  });

  it('does nothing when the job is already cancelled', async () => {
    const { run, saved, progress, controller } = setup();
    const reason = new Error('cancelled by the user');
    controller.abort(reason);
    await expect(run()).rejects.toBe(reason);
    expect(saved).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('does not save a certificate whose job was cancelled while it rendered', async () => {
    const reason = new Error('lease lost');
    const { run, saved, progress, controller } = setup({
      render: async () => {
        controller.abort(reason);
        return new Uint8Array([1]);
      },
    });
    await expect(run()).rejects.toBe(reason);
    expect(saved).toEqual([]);
    expect(progress).toEqual([10, 60]);
  });

  it('passes a save failure on as a retryable error', async () => {
    const { run } = setup({
      saveCertificate: async () => {
        throw new Error('storage unavailable');
      },
    });
    const error = await run().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentJobError);
  });
});

// Compile-time: the processor plugs into JobWorker's processors map.
const _asQueueProcessor: Processor = createCertificateProcessor({
  verifyUrlFor,
  saveCertificate: async () => undefined,
  fonts,
});
