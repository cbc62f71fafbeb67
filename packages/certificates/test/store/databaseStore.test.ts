import { InvalidStateError, LeaseLostError, NotFoundError, ValidationError, type JobContext } from '@tessera/queue';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anon, service } from '../../../queue/test/support/harness';
import {
  createCertificateProcessor,
  createDatabaseCertificateStore,
  MAX_CERTIFICATE_PDF_BYTES,
  redeemCertificateDownload,
  verifyPageUrl,
  type CertificateStore,
} from '../../src/index';
import { nodeFonts } from '../../src/node';
import {
  ADA,
  BACKENDS,
  BORIS,
  issueInDatabase,
  jobOf,
  leaseToService,
  NODE_WORKER,
  PDF,
  PUBLIC_APP_URL,
  requestCertificate,
  resetCertificates,
  SUMMIT,
  tokenOf,
  type Backend,
} from './support';

for (const [name, open] of BACKENDS) {
  describe(`the database CertificateStore on ${name}`, () => {
    let backend: Backend;
    const storeAs = (actor: Parameters<Backend['h']['transport']>[0]): CertificateStore =>
      createDatabaseCertificateStore({ transport: backend.h.transport(actor), publicAppUrl: `${PUBLIC_APP_URL}/` });

    // Building a database from every migration takes a while on PGlite (this project's default hook timeout is 10 s).
    beforeAll(async () => {
      backend = await open(false);
    }, 120_000);
    afterAll(async () => {
      await backend?.close();
    });
    beforeEach(async () => {
      await resetCertificates(backend.h);
    });

    it('saves what the certificate processor renders; its download link gives the PDF to anyone holding it', async () => {
      const { h } = backend;
      const store = storeAs(service);
      expect(store.kind).toBe('database');
      const requested = await requestCertificate(h, ADA, SUMMIT);
      await leaseToService(h, requested.jobId);
      const processor = createCertificateProcessor({
        verifyUrlFor: (serial) => verifyPageUrl(PUBLIC_APP_URL, serial),
        saveCertificate: async (jobId, workerId, pdf) => {
          await store.save(jobId, workerId, pdf);
        },
        fonts: nodeFonts(),
      });
      const ctx: JobContext = { signal: new AbortController().signal, workerId: NODE_WORKER, progress: () => undefined };
      const result = await processor(await jobOf(h, requested.jobId), ctx);
      expect(result.serial).toBe(requested.serial);

      const url = await store.downloadUrl(requested.certificateId);
      const file = await redeemCertificateDownload(h.transport(anon), tokenOf(url));
      expect(file.filename).toBe(`${requested.serial}.pdf`);
      expect(file.contentType).toBe('application/pdf');
      expect(new TextDecoder().decode(file.bytes.subarray(0, 5))).toBe('%PDF-');
      expect(file.bytes.length).toBe(result.bytes);
      expect((await store.read(requested.certificateId)).bytes).toEqual(file.bytes);
    });

    it('save returns what was stored; the lease holder only', async () => {
      const { h } = backend;
      const requested = await requestCertificate(h, ADA, SUMMIT);
      await leaseToService(h, requested.jobId);
      await expect(storeAs(service).save(requested.jobId, 'another-node', PDF)).rejects.toBeInstanceOf(LeaseLostError);
      const saved = await storeAs(service).save(requested.jobId, NODE_WORKER, PDF);
      expect(saved).toMatchObject({ serial: requested.serial, bytes: PDF.length, storagePath: null });
      expect(saved.issuedAt).toBeInstanceOf(Date);
    });

    it('refuses an empty, non-PDF or over-2-MiB file before sending it', async () => {
      const { h } = backend;
      const requested = await requestCertificate(h, ADA, SUMMIT);
      await leaseToService(h, requested.jobId);
      const store = storeAs(service);
      const big = new Uint8Array(MAX_CERTIFICATE_PDF_BYTES + 1);
      big.set(PDF);
      for (const [pdf, message] of [
        [new Uint8Array(), /empty/],
        [new TextEncoder().encode('<html>'), /not a PDF/],
        [big, /at most 2097152/],
      ] as const) {
        await expect(store.save(requested.jobId, NODE_WORKER, pdf)).rejects.toBeInstanceOf(ValidationError);
        await expect(store.save(requested.jobId, NODE_WORKER, pdf)).rejects.toThrow(message);
      }
      const [row] = await h.sql<{ issued: boolean }>('select issued_at is not null as issued from public.certificates');
      expect(row?.issued).toBe(false);
    });

    it('an expired link is refused', async () => {
      const { h } = backend;
      const issued = await issueInDatabase(h, ADA, SUMMIT);
      const url = await storeAs(service).downloadUrl(issued.certificateId, { expiresInSeconds: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const redeeming = redeemCertificateDownload(h.transport(anon), tokenOf(url));
      await expect(redeeming).rejects.toBeInstanceOf(InvalidStateError);
      await expect(redeeming).rejects.toThrow(/download link expired/);
      await expect(redeemCertificateDownload(h.transport(anon), '0'.repeat(64))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('the owner makes links in the browser; someone else’s certificate is refused', async () => {
      const { h } = backend;
      const issued = await issueInDatabase(h, ADA, SUMMIT);
      const mine = await storeAs(ADA).downloadUrl(issued.certificateId, { expiresInSeconds: 60 });
      expect((await redeemCertificateDownload(h.transport(BORIS), tokenOf(mine))).filename).toBe(`${issued.serial}.pdf`);
      await expect(storeAs(BORIS).downloadUrl(issued.certificateId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(storeAs(BORIS).read(issued.certificateId)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('checks the link lifetime before asking the database', async () => {
      const store = storeAs(service);
      for (const expiresInSeconds of [0, 1.5, 604_801, Number.NaN]) {
        await expect(store.downloadUrl('not-even-a-uuid', { expiresInSeconds }), String(expiresInSeconds)).rejects.toBeInstanceOf(
          ValidationError,
        );
      }
    });

    it('says where a certificate kept in Supabase Storage must be read', async () => {
      const { h } = backend;
      const issued = await issueInDatabase(h, ADA, SUMMIT);
      await h.sql(`update public.certificates set pdf = null, storage_path = user_id || '/' || serial || '.pdf'`);
      await expect(storeAs(service).read(issued.certificateId)).rejects.toThrow(/supabase-storage store/);
      await expect(storeAs(service).downloadUrl(issued.certificateId)).rejects.toBeInstanceOf(InvalidStateError);
    });

    it('refuses a base URL that is not an absolute http(s) URL', () => {
      const transport = backend.h.transport(service);
      expect(() => createDatabaseCertificateStore({ transport, publicAppUrl: 'app.example.org' })).toThrow(/publicAppUrl must/);
    });
  });
}
