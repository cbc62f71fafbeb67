import { inject } from 'vitest';
import { describeCertificateStorageContract } from './certificateStorageContract';
import { createFreshPgHarness } from './storageShimHarness';

describeCertificateStorageContract('Postgres', () => createFreshPgHarness(inject('postgresAdminUrl'), { storageShim: true }));
