import { createPgHarness } from './support/harness';
import { describeLifecycle } from './lifecycle/suite';

describeLifecycle('Postgres', createPgHarness);
