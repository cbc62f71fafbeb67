import { createPGliteHarness } from './support/harness';
import { describeLifecycle } from './lifecycle/suite';

describeLifecycle('PGlite', createPGliteHarness);
