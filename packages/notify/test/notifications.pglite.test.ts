import { createPGliteHarness } from '../../queue/test/support/harness';
import { describeNotificationContract } from './notificationsContract';

describeNotificationContract('PGlite', createPGliteHarness);
