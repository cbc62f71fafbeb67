import { LeaseLostError, NotFoundError, ValidationError } from '@tessera/queue';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anon, service, type Actor } from '../../../queue/test/support/harness';
import {
  CertificateStorageError,
  createCertificateStore,
  MAX_CERTIFICATE_PDF_BYTES,
  redeemCertificateDownload,
  type CertificateStore,
} from '../../src/index';
import {
  ADA,
  BACKENDS,
  BORIS,
  FakeStorage,
  issueInDatabase,
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

// Supabase Storage's HTTP server cannot run here: `storage` is a thin fake of supabase-js's client
// (./support.ts) over the storage shim's tables; everything else — the SQL that chooses the path,
// checks the lease and the uploaded object, and issues the certificate — is real.
for (const [name, open] of BACKENDS) {
  describe(`the supabase-storage CertificateStore on ${name} (storage shim, fake Storage client)`, () => {
    let backend: Backend;
    let storage: FakeStorage;
    const storeAs = (actor: Actor): CertificateStore =>
      createCertificateStore({ kind: 'supabase-storage', transport: backend.h.transport(actor), storage, publicAppUrl: PUBLIC_APP_URL });
    const leased = async () => {
      const requested = await requestCertificate(backend.h, ADA, SUMMIT);
      await leaseToService(backend.h, requested.jobId);
      return requested;
    };

    beforeAll(async () => {
      backend = await open(true);
    }, 120_000);
    afterAll(async () => {
      await backend?.close();
    });
    beforeEach(async () => {
      await resetCertificates(backend.h);
      await backend.h.sql('delete from storage.objects');
      storage = new FakeStorage(backend.h);
    });

    it('uploads the PDF to certificates/<user_id>/<serial>.pdf as a PDF, then issues the certificate', async () => {
      const requested = await leased();
      const store = storeAs(service);
      expect(store.kind).toBe('supabase-storage');
      const saved = await store.save(requested.jobId, NODE_WORKER, PDF);
      const path = `${ADA.id}/${requested.serial}.pdf`;
      expect(saved).toMatchObject({ serial: requested.serial, bytes: PDF.length, storagePath: path });
      expect(storage.calls).toEqual([
        { method: 'upload', bucket: 'certificates', path, options: { contentType: 'application/pdf', upsert: true, cacheControl: '3600' } },
      ]);
      const [row] = await backend.h.sql<{ pdf: unknown; storage_path: string; issued: boolean }>(
        'select pdf, storage_path, issued_at is not null as issued from public.certificates',
      );
      expect(row).toEqual({ pdf: null, storage_path: path, issued: true });
      // A retry of the job (e.g. after a lost connection) overwrites its own upload.
      await expect(store.save(requested.jobId, NODE_WORKER, PDF)).resolves.toMatchObject({ storagePath: path });
    });

    it('links through a short-lived signed URL that downloads as <serial>.pdf, and reads the bytes back', async () => {
      const requested = await leased();
      const store = storeAs(service);
      await store.save(requested.jobId, NODE_WORKER, PDF);
      const url = await store.downloadUrl(requested.certificateId);
      expect(url).toMatch(
        new RegExp(`^https://project\\.supabase\\.test/storage/v1/object/sign/certificates/${ADA.id}/${requested.serial}\\.pdf\\?token=`),
      );
      expect(url).toContain(`download=${requested.serial}.pdf`);
      await store.downloadUrl(requested.certificateId, { expiresInSeconds: 7 * 24 * 3600 });
      expect(storage.calls.filter((call) => call.method === 'createSignedUrl').map((call) => call.expiresIn)).toEqual([900, 604_800]);
      const file = await store.read(requested.certificateId);
      expect(file).toMatchObject({ serial: requested.serial, filename: `${requested.serial}.pdf`, contentType: 'application/pdf' });
      expect(Buffer.from(file.bytes).equals(PDF)).toBe(true);
      // The owner may sign a URL too (Storage checks the bucket's read policy); others learn nothing.
      await expect(storeAs(ADA).downloadUrl(requested.certificateId)).resolves.toMatch(/object\/sign/);
      await expect(storeAs(BORIS).downloadUrl(requested.certificateId)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses an empty, non-PDF or over-2-MiB file before anything is uploaded', async () => {
      const requested = await leased();
      const big = new Uint8Array(MAX_CERTIFICATE_PDF_BYTES + 1);
      big.set(PDF);
      for (const pdf of [new Uint8Array(), new TextEncoder().encode('<html>'), big]) {
        await expect(storeAs(service).save(requested.jobId, NODE_WORKER, pdf)).rejects.toBeInstanceOf(ValidationError);
      }
      expect(storage.calls).toEqual([]);
    });

    it('a worker that lost the lease uploads nothing; a refused upload issues nothing', async () => {
      const requested = await leased();
      await expect(storeAs(service).save(requested.jobId, 'another-node', PDF)).rejects.toBeInstanceOf(LeaseLostError);
      expect(storage.calls).toEqual([]);
      storage.failNext = { message: 'The object exceeded the maximum allowed size', status: 413, statusCode: '413' };
      const refused = storeAs(service).save(requested.jobId, NODE_WORKER, PDF);
      await expect(refused).rejects.toBeInstanceOf(CertificateStorageError);
      await expect(refused).rejects.toMatchObject({ status: 413 });
      const [row] = await backend.h.sql<{ issued: boolean }>('select issued_at is not null as issued from public.certificates');
      expect(row?.issued).toBe(false);
      // Users never save here: only the service role writes in the bucket.
      await expect(storeAs(ADA).save(requested.jobId, NODE_WORKER, PDF)).rejects.toThrow(/only the service role/);
    });

    it('serves certificates a browser worker saved into the database as the database store does', async () => {
      const issued = await issueInDatabase(backend.h, BORIS, SUMMIT);
      const store = storeAs(service);
      const url = await store.downloadUrl(issued.certificateId, { expiresInSeconds: 60 });
      const file = await redeemCertificateDownload(backend.h.transport(anon), tokenOf(url));
      expect(Buffer.from(file.bytes).equals(PDF)).toBe(true);
      expect(Buffer.from((await store.read(issued.certificateId)).bytes).equals(PDF)).toBe(true);
      expect(storage.calls).toEqual([]);
    });
  });
}
