import { createPGliteHarness } from '../../packages/queue/test/support/harness';
import { describeSchedulesContract } from './schedulesContract';

describeSchedulesContract('PGlite', createPGliteHarness);
