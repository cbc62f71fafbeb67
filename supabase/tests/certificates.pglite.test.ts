import { createPGliteHarness } from '../../packages/queue/test/support/harness';
import { describeCertificateContract } from './certificateContract';

describeCertificateContract('PGlite', createPGliteHarness);
