import { createPgHarness } from '../../packages/queue/test/support/harness';
import { describeSchedulesContract } from './schedulesContract';

describeSchedulesContract('Postgres', createPgHarness);
