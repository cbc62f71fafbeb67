import { createPgHarness } from '../../packages/queue/test/support/harness';
import { describeEdgeWorkerCronContract } from './edgeWorkerCronContract';

describeEdgeWorkerCronContract('Postgres', createPgHarness);
