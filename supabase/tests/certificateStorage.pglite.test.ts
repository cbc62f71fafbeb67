import { describeCertificateStorageContract } from './certificateStorageContract';
import { createFreshPGliteHarness } from './storageShimHarness';

describeCertificateStorageContract('PGlite', () => createFreshPGliteHarness({ storageShim: true }));
