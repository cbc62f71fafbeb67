import { createPgHarness } from '../support/harness';
import { describeRpcFuzz } from './fuzzContract';

// 50 runs per function on real Postgres (plus its valid example) keep the suite inside CI's time
// budget; fast-check draws new values on every run, so coverage grows across runs. For a deeper
// search: TESSERA_FUZZ_RUNS=1000 pnpm vitest run --project queue test/hostile/fuzz.postgres.test.ts
describeRpcFuzz('Postgres', createPgHarness, Number(process.env.TESSERA_FUZZ_RUNS ?? 50));
