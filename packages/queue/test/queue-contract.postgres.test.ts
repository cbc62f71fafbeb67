import { createPgHarness } from './support/harness';
import { describeQueueContract } from './contract';

describeQueueContract('Postgres', createPgHarness);
