import { randomBytes } from 'node:crypto';
import { callRpc, jobRowSchema } from '@tessera/queue';
import type { QueueHarness } from '../../../queue/test/support/harness';
import { findPostgres } from '../../../queue/test/support/postgresServer';
import { createFreshPGliteHarness, createFreshPgHarness } from '../../../../supabase/tests/storageShimHarness';
import type { StorageErrorLike, StorageResult, StorageUploadOptions, SupabaseStorageLike } from '../../src/index';

export {
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
} from '../../../../supabase/tests/certificateStorageFixtures';

export const PUBLIC_APP_URL = 'http://app.tessera.test';

export interface Backend {
  h: QueueHarness;
  close(): Promise<void>;
}

/**
 * The two databases every store test runs on. A fresh database each (the certificates project
 * has no shared template): Postgres (DATABASE_URL, 127.0.0.1:5432 or an embedded one) and PGlite;
 * with the storage shim for the supabase-storage store.
 */
export const BACKENDS: ReadonlyArray<[string, (storageShim: boolean) => Promise<Backend>]> = [
  [
    'Postgres',
    async (storageShim) => {
      const server = await findPostgres();
      const h = await createFreshPgHarness(server.adminUrl, { storageShim });
      return {
        h,
        close: async () => {
          await h.close();
          await server.stop();
        },
      };
    },
  ],
  [
    'PGlite',
    async (storageShim) => {
      const h = await createFreshPGliteHarness({ storageShim });
      return { h, close: () => h.close() };
    },
  ],
];

/** The token of a /download/<token> link. */
export function tokenOf(url: string): string {
  const match = /^http:\/\/app\.tessera\.test\/download\/([0-9a-f]{64})$/.exec(url);
  if (!match) throw new Error(`not a download page link: ${url}`);
  return match[1]!;
}

/** The claimed job as a worker gets it (get_job, as the service role). */
export async function jobOf(h: QueueHarness, jobId: string) {
  return jobRowSchema.parse(await callRpc(h.transport({ kind: 'service' }), 'get_job', { p_job_id: jobId }));
}

interface Call {
  method: 'upload' | 'createSignedUrl' | 'download';
  bucket: string;
  path: string;
  options?: unknown;
  expiresIn?: number;
}

/**
 * A thin fake of supabase-js's `supabase.storage` acting with the service key: Supabase Storage's
 * HTTP server cannot run here. It does what that server does with the database — checks the
 * bucket's size limit and MIME types (storage.buckets) and writes the object's row in
 * storage.objects (the shim) — and keeps the bytes in memory. `failNext` makes the next call
 * answer with an error, as the server would.
 */
export class FakeStorage implements SupabaseStorageLike {
  readonly calls: Call[] = [];
  readonly files = new Map<string, Uint8Array>();
  failNext: StorageErrorLike | undefined;

  constructor(private readonly h: QueueHarness) {}

  from(bucket: string) {
    const fail = <T>(): StorageResult<T> | undefined => {
      const error = this.failNext;
      this.failNext = undefined;
      return error ? { data: null, error } : undefined;
    };
    return {
      upload: async (path: string, body: Uint8Array, options: StorageUploadOptions): Promise<StorageResult<{ path: string }>> => {
        this.calls.push({ method: 'upload', bucket, path, options });
        const failed = fail<{ path: string }>();
        if (failed) return failed;
        const [settings] = await this.h.sql<{ file_size_limit: string | number | null; allowed_mime_types: string[] | null }>(
          'select file_size_limit, allowed_mime_types from storage.buckets where id = $1',
          [bucket],
        );
        if (!settings) return { data: null, error: { message: 'Bucket not found', status: 404, statusCode: '404' } };
        if (settings.file_size_limit !== null && body.length > Number(settings.file_size_limit)) {
          return { data: null, error: { message: 'The object exceeded the maximum allowed size', status: 413, statusCode: '413' } };
        }
        if (settings.allowed_mime_types && !settings.allowed_mime_types.includes(options.contentType)) {
          return { data: null, error: { message: `mime type ${options.contentType} is not supported`, status: 415, statusCode: '415' } };
        }
        const metadata = { size: body.length, mimetype: options.contentType, cacheControl: `max-age=${options.cacheControl ?? 3600}` };
        const written = await this.h.sql(
          `insert into storage.objects (bucket_id, name, metadata) values ($1, $2, $3)
           on conflict (bucket_id, name) do update set metadata = excluded.metadata, updated_at = now()
           where $4
           returning id`,
          [bucket, path, metadata, options.upsert],
        );
        if (written.length === 0) return { data: null, error: { message: 'The resource already exists', status: 409, statusCode: '409' } };
        this.files.set(`${bucket}/${path}`, body.slice());
        return { data: { path }, error: null };
      },
      createSignedUrl: async (path: string, expiresIn: number, options?: { download?: string | boolean }) => {
        this.calls.push({ method: 'createSignedUrl', bucket, path, expiresIn, options });
        const failed = fail<{ signedUrl: string }>();
        if (failed) return failed;
        if (!this.files.has(`${bucket}/${path}`)) return { data: null, error: { message: 'Object not found', status: 400, statusCode: '404' } };
        const download = typeof options?.download === 'string' ? `&download=${encodeURIComponent(options.download)}` : '';
        const signedUrl = `https://project.supabase.test/storage/v1/object/sign/${bucket}/${path}?token=${randomBytes(8).toString('hex')}${download}`;
        return { data: { signedUrl }, error: null };
      },
      download: async (path: string): Promise<StorageResult<Blob>> => {
        this.calls.push({ method: 'download', bucket, path });
        const failed = fail<Blob>();
        if (failed) return failed;
        const bytes = this.files.get(`${bucket}/${path}`);
        if (!bytes) return { data: null, error: { message: 'Object not found', status: 400, statusCode: '404' } };
        return { data: new Blob([bytes as BlobPart], { type: 'application/pdf' }), error: null };
      },
    };
  }
}
