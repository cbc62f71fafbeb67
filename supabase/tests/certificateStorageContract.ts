import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotAllowedError, NotFoundError, ValidationError } from '../../packages/queue/src/errors';
import { callRpc } from '../../packages/queue/src/rpc/call';
import { anon, service, type Actor, type QueueHarness } from '../../packages/queue/test/support/harness';
import {
  ADA,
  ADMIN,
  BORIS,
  leaseToService,
  NODE_WORKER,
  PDF,
  requestCertificate,
  resetCertificates,
  SUMMIT,
} from './certificateStorageFixtures';

const ADA_OBJECT = `${ADA.id}/TSR-2026-000001.pdf`;
const BORIS_OBJECT = `${BORIS.id}/TSR-2026-000002.pdf`;

/** An object row as Storage's server writes it after an upload. */
const putObject = (h: QueueHarness, bucket: string, name: string, metadata: Record<string, unknown> = {}) =>
  h.sql(`insert into storage.objects (bucket_id, name, metadata) values ($1, $2, $3)`, [
    bucket,
    name,
    { size: PDF.length, mimetype: 'application/pdf', ...metadata },
  ]);

/**
 * 0023's guarded part, on a database with supabase/local/storage_shim.sql applied before the
 * migrations: the private bucket, and RLS on storage.objects as Supabase's Storage API relies on
 * it (users reach objects only through it, with their JWT's role and claims).
 */
export function describeCertificateStorageContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`certificate storage policies on ${name} (storage shim)`, () => {
    let h: QueueHarness;
    const names = async (actor: Actor, where = 'true') =>
      (
        await h.sqlAs<{ name: string }>(actor, `select name from storage.objects where ${where} order by bucket_id, name`)
      ).map((row) => row.name);

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.sql('delete from storage.objects');
      await h.sql(`insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true) on conflict do nothing`);
      await putObject(h, 'certificates', ADA_OBJECT);
      await putObject(h, 'certificates', BORIS_OBJECT);
      await putObject(h, 'certificates', 'TSR-2026-000003.pdf'); // at the bucket root: nobody's
      await putObject(h, 'avatars', `${BORIS.id}/me.png`, { mimetype: 'image/png' });
    });

    it('creates the bucket private, 2 MiB, PDFs only', async () => {
      const buckets = await h.sql('select id, name, public, file_size_limit::int as file_size_limit, allowed_mime_types from storage.buckets where id = $1', [
        'certificates',
      ]);
      expect(buckets).toEqual([
        { id: 'certificates', name: 'certificates', public: false, file_size_limit: 2097152, allowed_mime_types: ['application/pdf'] },
      ]);
    });

    it('a signed-in user reads their own objects only; user B cannot read user A’s; anon reads none', async () => {
      expect(await names(ADA, `bucket_id = 'certificates'`)).toEqual([ADA_OBJECT]);
      expect(await names(BORIS, `bucket_id = 'certificates'`)).toEqual([BORIS_OBJECT]);
      expect(await names(BORIS, `name = '${ADA_OBJECT}'`)).toEqual([]);
      expect(await names(anon)).toEqual([]);
      // An admin of the queue is still a user here: PDFs are read by their owner (or the service role).
      expect(await names(ADMIN)).toEqual([]);
      // Being the owner of a look-alike prefix is not enough.
      await putObject(h, 'certificates', `${ADA.id}x/TSR-2026-000004.pdf`);
      expect(await names(ADA, `bucket_id = 'certificates'`)).toEqual([ADA_OBJECT]);
    });

    it('no user inserts, updates or deletes in the bucket, not even under their own prefix', async () => {
      await expect(
        h.sqlAs(ADA, `insert into storage.objects (bucket_id, name) values ('certificates', '${ADA.id}/forged.pdf')`),
      ).rejects.toThrow(/row-level security/);
      await expect(
        h.sqlAs(anon, `insert into storage.objects (bucket_id, name) values ('certificates', 'anon.pdf')`),
      ).rejects.toThrow(/row-level security/);
      // Update and delete see no row to change (RLS filters them), so nothing changes.
      expect(await h.sqlAs(ADA, `update storage.objects set metadata = '{}' where name = '${ADA_OBJECT}' returning id`)).toEqual([]);
      expect(await h.sqlAs(ADA, `update storage.objects set name = '${ADA.id}/moved.pdf' returning id`)).toEqual([]);
      expect(await h.sqlAs(ADA, `delete from storage.objects where name = '${ADA_OBJECT}' returning id`)).toEqual([]);
      expect(await h.sqlAs(BORIS, `delete from storage.objects returning id`)).toEqual([]);
      const [row] = await h.sql<{ n: number; size: string }>(
        `select count(*)::int as n, max(metadata ->> 'size') as size from storage.objects where bucket_id = 'certificates'`,
      );
      expect(row).toEqual({ n: 3, size: String(PDF.length) });
    });

    it('the service role reads, writes and deletes everywhere in it', async () => {
      expect(await names(service, `bucket_id = 'certificates'`)).toHaveLength(3);
      const inserted = await h.sqlAs(service, `insert into storage.objects (bucket_id, name) values ('certificates', '${ADA.id}/new.pdf') returning name`);
      expect(inserted).toEqual([{ name: `${ADA.id}/new.pdf` }]);
      expect(await h.sqlAs(service, `update storage.objects set metadata = '{}' where name = '${ADA_OBJECT}' returning name`)).toHaveLength(1);
      expect(await h.sqlAs(service, `delete from storage.objects where name = '${BORIS_OBJECT}' returning name`)).toHaveLength(1);
    });

    it('a permissive policy the project adds for its other buckets does not open this one', async () => {
      await h.sql(`create policy test_everything on storage.objects for all to anon, authenticated using (true) with check (true)`);
      try {
        expect(await names(BORIS, `name = '${ADA_OBJECT}'`)).toEqual([]);
        expect(await names(anon, `bucket_id = 'certificates'`)).toEqual([]);
        await expect(
          h.sqlAs(ADA, `insert into storage.objects (bucket_id, name) values ('certificates', '${ADA.id}/forged.pdf')`),
        ).rejects.toThrow(/row-level security/);
        expect(await h.sqlAs(BORIS, `update storage.objects set metadata = '{}' where name = '${ADA_OBJECT}' returning id`)).toEqual([]);
        expect(await h.sqlAs(ADA, `delete from storage.objects where bucket_id = 'certificates' returning id`)).toEqual([]);
        // ...while that policy does what it says in the other bucket.
        expect(await names(anon, `bucket_id = 'avatars'`)).toEqual([`${BORIS.id}/me.png`]);
        expect(
          await h.sqlAs(ADA, `insert into storage.objects (bucket_id, name) values ('avatars', '${ADA.id}/me.png') returning name`),
        ).toHaveLength(1);
      } finally {
        await h.sql('drop policy test_everything on storage.objects');
      }
    });

    it('save_certificate_object issues the certificate only once its PDF is in the bucket', async () => {
      await resetCertificates(h);
      await h.sql('delete from storage.objects');
      const ada = await requestCertificate(h, ADA, SUMMIT);
      await leaseToService(h, ada.jobId);
      const path = (await callRpc(h.transport(service), 'certificate_upload_path', { p_job_id: ada.jobId })) as string;
      expect(path).toBe(`${ADA.id}/${ada.serial}.pdf`);
      const save = () =>
        callRpc(h.transport(service), 'save_certificate_object', {
          p_job_id: ada.jobId,
          p_worker_id: NODE_WORKER,
          p_bytes: PDF.length,
        });
      await expect(save()).rejects.toBeInstanceOf(NotFoundError);
      await expect(save()).rejects.toThrow(/was not uploaded/);
      await putObject(h, 'certificates', path, { mimetype: 'text/html' });
      await expect(save()).rejects.toThrow(/not application\/pdf/);
      await h.sql(`update storage.objects set metadata = $2 where name = $1`, [path, { size: 999, mimetype: 'application/pdf' }]);
      await expect(save()).rejects.toBeInstanceOf(ValidationError);
      await h.sql(`update storage.objects set metadata = $2 where name = $1`, [path, { size: PDF.length, mimetype: 'application/pdf' }]);
      await expect(save()).resolves.toEqual([expect.objectContaining({ serial: ada.serial, storage_path: path })]);
      // The owner now reads the object (and so can sign a URL for it); Boris cannot.
      expect(await names(ADA, `name = '${path}'`)).toEqual([path]);
      expect(await names(BORIS, `name = '${path}'`)).toEqual([]);
      await expect(
        callRpc(h.transport(ADA), 'save_certificate_object', { p_job_id: ada.jobId, p_bytes: PDF.length }),
      ).rejects.toBeInstanceOf(NotAllowedError);
    });
  });
}
