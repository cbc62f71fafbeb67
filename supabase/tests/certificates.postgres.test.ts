import { createPgHarness } from '../../packages/queue/test/support/harness';
import { describeCertificateContract } from './certificateContract';

describeCertificateContract('Postgres', createPgHarness);
