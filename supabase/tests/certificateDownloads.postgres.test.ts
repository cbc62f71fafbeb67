import { createPgHarness } from '../../packages/queue/test/support/harness';
import { describeCertificateDownloadsContract } from './certificateDownloadsContract';

describeCertificateDownloadsContract('Postgres', createPgHarness);
