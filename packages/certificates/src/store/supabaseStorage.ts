/**
 * The part of supabase-js's Storage client the supabase-storage store uses, structurally:
 * `supabase.storage` (from @supabase/supabase-js, npm: or jsr: in Deno) fits as it is, so this
 * package needs no Supabase dependency of its own.
 */
export interface StorageErrorLike {
  message: string;
  status?: number | undefined;
  statusCode?: string | undefined;
}

export type StorageResult<T> = { data: T; error: null } | { data: null; error: StorageErrorLike };

export interface StorageUploadOptions {
  contentType: string;
  upsert: boolean;
  cacheControl?: string;
}

export interface StorageBucketLike {
  upload(path: string, body: Uint8Array, options: StorageUploadOptions): PromiseLike<StorageResult<{ path: string }>>;
  createSignedUrl(
    path: string,
    expiresIn: number,
    options?: { download?: string | boolean },
  ): PromiseLike<StorageResult<{ signedUrl: string }>>;
  download(path: string): PromiseLike<StorageResult<Blob>>;
}

export interface SupabaseStorageLike {
  from(bucket: string): StorageBucketLike;
}
