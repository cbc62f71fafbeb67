import type { Transport } from '@tessera/queue';
import { createDatabaseCertificateStore } from './databaseStore';
import type { SupabaseStorageLike } from './supabaseStorage';
import { createSupabaseStorageCertificateStore } from './supabaseStorageStore';
import type { CertificateStore } from './types';

export type CertificateStoreOptions =
  | { kind: 'database'; transport: Transport; publicAppUrl: string }
  | { kind: 'supabase-storage'; transport: Transport; storage: SupabaseStorageLike; publicAppUrl: string };

/** The store of the configured kind (e.g. CERTIFICATE_STORE in a server worker's environment). */
export function createCertificateStore(options: CertificateStoreOptions): CertificateStore {
  return options.kind === 'database'
    ? createDatabaseCertificateStore(options)
    : createSupabaseStorageCertificateStore(options);
}
