import { createPgHarness } from '../support/harness';
import { describeRpcFuzz } from './fuzzContract';

// 100 runs per function on real Postgres (plus its valid example).
describeRpcFuzz('Postgres', createPgHarness, 100);
