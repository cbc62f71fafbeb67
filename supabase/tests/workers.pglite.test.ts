import { createPGliteHarness } from '../../packages/queue/test/support/harness';
import { describeWorkersContract } from './workersContract';

describeWorkersContract('PGlite', createPGliteHarness);
