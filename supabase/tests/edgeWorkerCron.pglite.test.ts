import { createPGliteHarness } from '../../packages/queue/test/support/harness';
import { describeEdgeWorkerCronContract } from './edgeWorkerCronContract';

describeEdgeWorkerCronContract('PGlite', createPGliteHarness);
