import { createPGliteHarness } from './support/harness';
import { describeQueueContract } from './contract';

describeQueueContract('PGlite', createPGliteHarness);
