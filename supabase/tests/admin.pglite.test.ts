import { createPGliteHarness } from '../../packages/queue/test/support/harness';
import { describeAdminContract } from './adminContract';

describeAdminContract('PGlite', createPGliteHarness);
