import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { QueueHarness } from '../support/harness';
import type { ContractContext } from './context';
import { enqueueContract } from './enqueue';
import { validationContract } from './validation';
import { leaseContract } from './lease';
import { manageContract } from './manage';
import { observeContract } from './observe';
import { securityContract } from './security';
import { workerContract } from './worker';
import { batchContract } from './batch';
import { policiesContract } from './policies';
import { policyWorkerContract } from './policyWorker';

/** One contract, every backend: the same specifications run on real Postgres and on PGlite. */
export function describeQueueContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`queue contract on ${name}`, () => {
    const ctx = {} as ContractContext;
    beforeAll(async () => {
      ctx.h = await createHarness();
    });
    afterAll(async () => {
      await ctx.h?.close();
    });
    beforeEach(async () => {
      await ctx.h.reset();
    });
    describe('enqueue_job', () => enqueueContract(ctx));
    describe('bad input', () => validationContract(ctx));
    describe('leases: claim, heartbeat, complete, fail, release', () => leaseContract(ctx));
    describe('cancel, retry, delete, pause, resume', () => manageContract(ctx));
    describe('get, list, stats, health, maintenance', () => observeContract(ctx));
    describe('who may do what (RLS and security definer checks)', () => securityContract(ctx));
    describe('JobWorker', () => workerContract(ctx));
    describe('bulk: enqueue_jobs, complete_jobs, fail_jobs, batched JobWorker', () => batchContract(ctx));
    describe('job-type policies (job_type_settings), pause-all', () => policiesContract(ctx));
    describe('JobWorker: timeouts and progress steps', () => policyWorkerContract(ctx));
  });
}
