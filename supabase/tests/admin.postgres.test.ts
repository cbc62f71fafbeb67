import { createPgHarness } from '../../packages/queue/test/support/harness';
import { describeAdminContract } from './adminContract';

describeAdminContract('Postgres', createPgHarness);
