import { createPGliteHarness } from '../../packages/queue/test/support/harness';
import { describeCertificateDownloadsContract } from './certificateDownloadsContract';

describeCertificateDownloadsContract('PGlite', createPGliteHarness);
