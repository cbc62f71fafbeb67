import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidStateError,
  LeaseLostError,
  NotAllowedError,
  NotFoundError,
  ValidationError,
} from '../../packages/queue/src/errors';
import { callRpc } from '../../packages/queue/src/rpc/call';
import { anon, service, type Actor, type QueueHarness } from '../../packages/queue/test/support/harness';
import {
  ADA,
  ADMIN,
  ATHENS,
  BORIS,
  issueInDatabase,
  leaseToService,
  NODE_WORKER,
  PDF,
  requestCertificate,
  resetCertificates,
  SUMMIT,
  type CertificateJob,
} from './certificateStorageFixtures';

interface TokenRow {
  token: string;
  expires_at: string;
  filename: string;
}
interface Redeemed {
  filename: string;
  content_type: string;
  bytes: number;
  pdf_base64: string;
  expires_at: string;
}

/**
 * 0023's SQL that runs everywhere: download tokens for PDFs kept in the database, the file
 * lookup, and the supabase-storage store's two steps where no storage schema exists.
 */
export function describeCertificateDownloadsContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`certificate downloads on ${name}`, () => {
    let h: QueueHarness;
    let ada: CertificateJob;
    const rpc = (actor: Actor, fn: string, args?: Record<string, unknown>) => callRpc(h.transport(actor), fn, args);
    const createLink = async (actor: Actor, certificateId: string, seconds?: number) => {
      const rows = (await rpc(actor, 'create_certificate_download', {
        p_certificate_id: certificateId,
        p_expires_in_seconds: seconds,
      })) as TokenRow[];
      return rows[0]!;
    };
    const redeem = async (token: string, actor: Actor = anon) =>
      ((await rpc(actor, 'redeem_certificate_download', { p_token: token })) as Redeemed[])[0]!;

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await resetCertificates(h);
      await h.sql('truncate tessera.certificate_downloads');
      ada = await issueInDatabase(h, ADA, SUMMIT);
    });

    it('the owner makes a link; anyone holding it gets the PDF, its name and type', async () => {
      const link = await createLink(ADA, ada.certificateId);
      expect(link.token).toMatch(/^[0-9a-f]{64}$/);
      expect(link.filename).toBe(`${ada.serial}.pdf`);
      const lifetime = (new Date(link.expires_at).getTime() - Date.now()) / 1000;
      expect(lifetime).toBeGreaterThan(890);
      expect(lifetime).toBeLessThanOrEqual(900);
      const file = await redeem(link.token);
      expect(file).toMatchObject({ filename: `${ada.serial}.pdf`, content_type: 'application/pdf', bytes: PDF.length });
      expect(Buffer.from(file.pdf_base64, 'base64').equals(PDF)).toBe(true);
      // Until it expires the link works again (an email link clicked twice), and is counted.
      await redeem(link.token, BORIS);
      const [row] = await h.sql<{ redeemed_count: number }>('select redeemed_count from tessera.certificate_downloads');
      expect(row?.redeemed_count).toBe(2);
    });

    it('keeps only a hash of the token', async () => {
      const link = await createLink(ADA, ada.certificateId);
      const rows = await h.sql<{ row: string; hash_matches: boolean }>(
        `select d::text as row, d.token_hash = sha256(decode($1, 'hex')) as hash_matches
           from tessera.certificate_downloads d`,
        [link.token],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.hash_matches).toBe(true);
      expect(rows[0]!.row).not.toContain(link.token);
      // And no API role can read the table at all.
      await expect(h.sqlAs(ADA, 'select * from tessera.certificate_downloads')).rejects.toThrow(/permission denied/);
    });

    it('refuses an expired link, an unknown one and a malformed one, each saying so', async () => {
      const link = await createLink(ADA, ada.certificateId, 60);
      await h.sql(
        `update tessera.certificate_downloads set created_at = now() - interval '2 minutes', expires_at = now() - interval '1 second'`,
      );
      await expect(redeem(link.token)).rejects.toBeInstanceOf(InvalidStateError);
      await expect(redeem(link.token)).rejects.toThrow(/download link expired at/);
      const unknown = link.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      await expect(redeem(unknown)).rejects.toBeInstanceOf(NotFoundError);
      await expect(redeem(unknown)).rejects.toThrow(/download link not found/);
      for (const malformed of ['', 'abc', link.token.toUpperCase(), `${link.token}0`, "' or true --"]) {
        await expect(redeem(malformed), malformed).rejects.toBeInstanceOf(ValidationError);
      }
    });

    it('expiry is enforced by the database clock, to the second', async () => {
      const link = await createLink(ADA, ada.certificateId, 1);
      await expect(redeem(link.token)).resolves.toMatchObject({ bytes: PDF.length });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await expect(redeem(link.token)).rejects.toThrow(/expired/);
    });

    it('only the owner or the service role makes a link: others learn nothing', async () => {
      await expect(createLink(BORIS, ada.certificateId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(createLink(ADMIN, ada.certificateId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(createLink(anon, ada.certificateId)).rejects.toBeInstanceOf(NotAllowedError);
      await expect(createLink(BORIS, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
      const [count] = await h.sql<{ n: number }>('select count(*)::int as n from tessera.certificate_downloads');
      expect(count?.n).toBe(0);
      const mailed = await createLink(service, ada.certificateId, 7 * 24 * 3600);
      expect((await redeem(mailed.token)).filename).toBe(`${ada.serial}.pdf`);
    });

    it('refuses a certificate that is not issued, and lifetimes outside 1 s to 7 days', async () => {
      const pending = await requestCertificate(h, BORIS, ATHENS);
      await expect(createLink(BORIS, pending.certificateId)).rejects.toBeInstanceOf(NotFoundError);
      for (const seconds of [0, -5, 604_801, 2_147_483_647]) {
        await expect(createLink(ADA, ada.certificateId, seconds), String(seconds)).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(
        rpc(ADA, 'create_certificate_download', { p_certificate_id: ada.certificateId, p_expires_in_seconds: null }),
      ).rejects.toThrow(/between 1 and 604800/);
    });

    it('at most 100 live links per certificate; links expired for a day are removed', async () => {
      await h.sql(
        `insert into tessera.certificate_downloads (token_hash, certificate_id, expires_at)
         select sha256(convert_to(i::text, 'UTF8')), $1, now() + interval '1 hour' from generate_series(1, 100) i`,
        [ada.certificateId],
      );
      await expect(createLink(ADA, ada.certificateId)).rejects.toThrow(/100 live download links/);
      await h.sql(
        `update tessera.certificate_downloads
            set created_at = now() - interval '3 days', expires_at = now() - interval '2 days'`,
      );
      await createLink(ADA, ada.certificateId);
      const [count] = await h.sql<{ n: number }>('select count(*)::int as n from tessera.certificate_downloads');
      expect(count?.n).toBe(1);
    });

    it('get_certificate_file: where a certificate is kept, and its bytes, for its owner, admins and the service role', async () => {
      const file = (
        (await rpc(ADA, 'get_certificate_file', { p_certificate_id: ada.certificateId, p_with_pdf: true })) as Array<
          Record<string, unknown>
        >
      )[0]!;
      expect(file).toMatchObject({
        certificate_id: ada.certificateId,
        user_id: ADA.id,
        serial: ada.serial,
        filename: `${ada.serial}.pdf`,
        storage_path: null,
        bytes: PDF.length,
      });
      expect(Buffer.from(file.pdf_base64 as string, 'base64').equals(PDF)).toBe(true);
      const lean = (await rpc(ADMIN, 'get_certificate_file', { p_certificate_id: ada.certificateId })) as Array<
        Record<string, unknown>
      >;
      expect(lean[0]?.pdf_base64).toBeNull();
      await expect(rpc(service, 'get_certificate_file', { p_certificate_id: ada.certificateId })).resolves.toHaveLength(1);
      await expect(rpc(BORIS, 'get_certificate_file', { p_certificate_id: ada.certificateId })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(rpc(anon, 'get_certificate_file', { p_certificate_id: ada.certificateId })).rejects.toBeInstanceOf(
        NotAllowedError,
      );
    });

    it('supabase-storage steps: the service role gets the path, then records the upload (no storage schema here)', async () => {
      const boris = await requestCertificate(h, BORIS, ATHENS);
      await leaseToService(h, boris.jobId);
      const path = await rpc(service, 'certificate_upload_path', { p_job_id: boris.jobId });
      expect(path).toBe(`${BORIS.id}/${boris.serial}.pdf`);
      expect(await rpc(service, 'certificate_upload_path', { p_job_id: boris.jobId, p_worker_id: NODE_WORKER })).toBe(path);
      // A worker whose lease was lost learns it before it uploads anything.
      await expect(
        rpc(service, 'certificate_upload_path', { p_job_id: boris.jobId, p_worker_id: 'another-node' }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      // Users never write in the bucket: both steps are the service role's.
      await expect(rpc(BORIS, 'certificate_upload_path', { p_job_id: boris.jobId })).rejects.toBeInstanceOf(NotAllowedError);
      const save = (actor: Actor, args: Record<string, unknown>) =>
        rpc(actor, 'save_certificate_object', { p_job_id: boris.jobId, p_bytes: PDF.length, ...args });
      await expect(save(BORIS, { p_worker_id: NODE_WORKER })).rejects.toBeInstanceOf(NotAllowedError);
      await expect(save(service, { p_worker_id: 'another-node' })).rejects.toBeInstanceOf(LeaseLostError);
      await expect(save(service, { p_bytes: 3 * 1024 * 1024 })).rejects.toBeInstanceOf(ValidationError);
      const saved = ((await save(service, { p_worker_id: NODE_WORKER })) as Array<Record<string, unknown>>)[0];
      expect(saved).toMatchObject({ serial: boris.serial, bytes: PDF.length, storage_path: path });
      const [row] = await h.sql<{ pdf: Buffer | null; storage_path: string; issued: boolean }>(
        'select pdf, storage_path, issued_at is not null as issued from public.certificates where id = $1',
        [boris.certificateId],
      );
      expect(row).toEqual({ pdf: null, storage_path: path, issued: true });
      // Its bytes are not in the database: no token link for it (the store signs a Storage URL).
      await expect(createLink(BORIS, boris.certificateId)).rejects.toBeInstanceOf(InvalidStateError);
      await expect(createLink(BORIS, boris.certificateId)).rejects.toThrow(/kept in Supabase Storage/);
      // A job that is not running cannot save.
      await h.sql(`update public.job_queue set status = 'completed', locked_until = null, completed_at = now() where id = $1`, [
        boris.jobId,
      ]);
      await expect(save(service, {})).rejects.toBeInstanceOf(InvalidStateError);
      // Nor can an unknown job.
      await expect(rpc(service, 'certificate_upload_path', { p_job_id: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('a live link stops working when the bytes leave the database', async () => {
      const link = await createLink(ADA, ada.certificateId);
      await h.sql(`update public.certificates set pdf = null, storage_path = user_id || '/' || serial || '.pdf' where id = $1`, [
        ada.certificateId,
      ]);
      await expect(redeem(link.token)).rejects.toThrow(/no longer kept in the database/);
    });
  });
}
