import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidStateError,
  LeaseLostError,
  NotAllowedError,
  NotFoundError,
  QueueError,
  ValidationError,
} from '../../src/errors';
import { callRpc } from '../../src/rpc/call';
import type { Transport } from '../../src/transport';
import type { Actor, QueueHarness } from '../support/harness';
import { buildWorld, type World } from './fixtures';
import { hostileValue } from './hostileValues';
import { buildInvariantQuery, fingerprint, missingTables, violations } from './invariants';
import { rpcSpecs, type RpcSpec } from './rpcSpecs';

/** The typed errors that mean "your input or your permissions", as opposed to a server fault. */
const INPUT_ERRORS = [ValidationError, NotAllowedError, NotFoundError, LeaseLostError, InvalidStateError, ConflictError];

// Placeholder ids: only the function names are needed to declare one test per function.
const PLACEHOLDER = '00000000-0000-4000-8000-000000000000';
export const FUZZED_FUNCTIONS = rpcSpecs({
  pending: PLACEHOLDER,
  scheduled: PLACEHOLDER,
  processing: PLACEHOLDER,
  failed: PLACEHOLDER,
  completed: PLACEHOLDER,
  cancelled: PLACEHOLDER,
  serviceLeased: PLACEHOLDER,
  borisPending: PLACEHOLDER,
  certificateJob: PLACEHOLDER,
  issuedSerial: 'TSR-2026-000001',
  issuedCode: 'AAAA-AAAA',
  issuedCertificateId: PLACEHOLDER,
  downloadToken: '0'.repeat(64),
  allJobIds: [PLACEHOLDER],
}).map((spec) => spec.fn);

/** Each parameter: mostly well-formed, often hostile, sometimes left out (the SQL default). */
function argsOf(spec: RpcSpec): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(spec.params).map(
    ([name, valid]) =>
      [
        name,
        fc.oneof(
          { weight: 3, arbitrary: valid },
          { weight: 3, arbitrary: hostileValue },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
      ] as const,
  );
  return fc.record(Object.fromEntries(entries));
}

function describeOutcome(error: unknown): string {
  if (error instanceof QueueError) return `${error.name} (SQLSTATE ${error.code ?? 'none'}): ${error.message}`;
  return `${(error as Error)?.constructor?.name ?? typeof error}: ${String(error)}`;
}

/** Short text for a failing counterexample (arguments can be megabytes, or 20,000 levels deep). */
function preview(args: Record<string, unknown>): string {
  const short = (value: unknown) => {
    if (typeof value === 'string') {
      return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…(${value.length} chars)` : value);
    }
    const text = fc.stringify(value); // honours fc.toStringMethod labels, never recurses into them
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  };
  return `{${Object.entries(args)
    .map(([name, value]) => `${name}: ${short(value)}`)
    .join(', ')}}`;
}

/**
 * Fuzzes every RPC on one backend. Property, per call: the promise resolves, or rejects with one
 * of the typed input errors and a message; a rejected call wrote nothing; and afterwards every
 * CHECK constraint still holds on every row and every table still exists.
 */
export function describeRpcFuzz(
  name: string,
  createHarness: () => Promise<QueueHarness>,
  numRuns: number,
  options: {
    /**
     * Values this backend's driver cannot send for a parameter of that SQL type; such runs are
     * discarded (fc.pre). Each exclusion must be pinned by a test of its own (see knownGaps.test.ts).
     */
    unsendable?: (sqlType: string, value: unknown) => boolean;
  } = {},
): void {
  describe(`hostile arguments to every RPC on ${name}`, () => {
    let h: QueueHarness;
    let invariantQuery: string;
    let parameterTypes = new Map<string, string>();
    const transports = new Map<Actor, Transport>();
    const transportOf = (actor: Actor) => {
      let transport = transports.get(actor);
      if (!transport) {
        transport = h.transport(actor);
        transports.set(actor, transport);
      }
      return transport;
    };

    beforeAll(async () => {
      h = await createHarness();
      invariantQuery = await buildInvariantQuery(h);
      const rows = await h.sql<{ key: string; type: string }>(
        `select p.proname || '.' || a.name as key, format_type(a.type, null) as type
           from pg_catalog.pg_proc p,
                unnest(p.proargnames[1:p.pronargs], p.proargtypes::oid[]) as a(name, type)
          where p.pronamespace = 'public'::regnamespace`,
      );
      parameterTypes = new Map(rows.map((row) => [row.key, row.type]));
    });
    afterAll(async () => {
      await h?.close();
    });

    it('fuzzes every function the database exposes in public', async () => {
      const rows = await h.sql<{ name: string }>(
        `select p.proname as name from pg_catalog.pg_proc p
          where p.pronamespace = 'public'::regnamespace order by 1`,
      );
      expect(rows.map((row) => row.name).sort()).toEqual([...FUZZED_FUNCTIONS].sort());
    });

    it.each(FUZZED_FUNCTIONS)('%s: resolves or refuses clearly, writes nothing when it refuses, breaks no check', async (fn) => {
      const world: World = await buildWorld(h);
      transports.clear();
      const spec = rpcSpecs(world).find((candidate) => candidate.fn === fn)!;
      // A well-formed call first: it must succeed, or the fuzzer would only ever test the first check.
      const [exampleActor, exampleArgs] = spec.example;
      await expect(callRpc(transportOf(exampleActor), fn, exampleArgs)).resolves.not.toThrow();

      const property = fc.asyncProperty(fc.constantFrom(...spec.actors), argsOf(spec), async (actor, args) => {
        const { unsendable } = options;
        if (unsendable) {
          fc.pre(!Object.entries(args).some(([param, value]) => unsendable(parameterTypes.get(`${fn}.${param}`)!, value)));
        }
        const before = await fingerprint(h);
        let rejected: unknown;
        try {
          await callRpc(transportOf(actor), fn, args);
        } catch (error) {
          rejected = error;
        }
        const context = () => `${fn} as ${actor.kind} with ${preview(args)}`;
        if (rejected !== undefined) {
          const typed = INPUT_ERRORS.some((type) => rejected instanceof type);
          if (!typed || !(rejected as Error).message.trim()) {
            throw new Error(`${context()} rejected with a server-fault error: ${describeOutcome(rejected)}`);
          }
          const after = await fingerprint(h);
          if (JSON.stringify(after) !== JSON.stringify(before)) {
            throw new Error(`${context()} was refused (${describeOutcome(rejected)}) but changed the tables`);
          }
        }
        const broken = await violations(h, invariantQuery);
        if (Object.keys(broken).length > 0) throw new Error(`${context()} left rows violating ${JSON.stringify(broken)}`);
      });

      // A function without parameters varies only by caller: a few runs cover every caller.
      const runs = Object.keys(spec.params).length === 0 ? Math.min(numRuns, 15) : numRuns;
      await fc.assert(property, { numRuns: runs });
      // The invariant query above would fail on a dropped table; this names it.
      expect(await missingTables(h)).toEqual([]);
    });
  });
}
