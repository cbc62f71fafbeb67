import { createPgHarness } from '../../queue/test/support/harness';
import { describeNotificationContract } from './notificationsContract';

describeNotificationContract('Postgres', createPgHarness);
