import { createPGliteHarness } from '../support/harness';
import { describeRpcFuzz } from './fuzzContract';
import { pgliteCannotSend } from './knownGaps';

// Fewer runs on PGlite: one connection, slower per query. Values PGlite's own parameter
// serialisers reject in JavaScript are left out here and pinned in knownGaps.test.ts.
describeRpcFuzz('PGlite', createPGliteHarness, 30, { unsendable: pgliteCannotSend });
