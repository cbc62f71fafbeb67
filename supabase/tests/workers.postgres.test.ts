import { createPgHarness } from '../../packages/queue/test/support/harness';
import { describeWorkersContract } from './workersContract';

describeWorkersContract('Postgres', createPgHarness);
