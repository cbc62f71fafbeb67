import { expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { callRpc } from '../../src/rpc/call';
import { newUser, service } from '../support/harness';
import { countJobs, type ContractContext } from './context';

const big = 'x'.repeat(70_000);

/** Straight to the SQL function, past the client's zod checks: the database must refuse too. */
const badEnqueues: Array<[string, Record<string, unknown>, RegExp]> = [
  ['an upper-case job_type', { p_job_type: 'Certificate' }, /invalid job_type/],
  ['a job_type with spaces', { p_job_type: 'make pdf' }, /invalid job_type/],
  ['an empty job_type', { p_job_type: '' }, /invalid job_type/],
  ['a null job_type', { p_job_type: null }, /invalid job_type/],
  ['a job_type of 65 characters', { p_job_type: 'a'.repeat(65) }, /invalid job_type/],
  ['a SQL fragment as job_type', { p_job_type: "x'; drop table public.job_queue; --" }, /invalid job_type/],
  ['priority 0', { p_job_type: 'ok', p_priority: 0 }, /priority must be between 1 \(highest\) and 10/],
  ['priority 11', { p_job_type: 'ok', p_priority: 11 }, /priority must be between 1 \(highest\) and 10/],
  ['max_attempts 0', { p_job_type: 'ok', p_max_attempts: 0 }, /max_attempts must be between 1 and 25/],
  ['max_attempts 26', { p_job_type: 'ok', p_max_attempts: 26 }, /max_attempts must be between 1 and 25/],
  ['an array payload', { p_job_type: 'ok', p_payload: [1, 2] }, /payload must be a JSON object, got array/],
  ['a string payload', { p_job_type: 'ok', p_payload: 'hello' }, /payload must be a JSON object, got string/],
  ['a number payload', { p_job_type: 'ok', p_payload: 42 }, /payload must be a JSON object, got number/],
  ['a payload over 64 KiB', { p_job_type: 'ok', p_payload: { big } }, /payload is \d+ bytes, the limit is 65536/],
  ['run_at that is not a timestamp', { p_job_type: 'ok', p_run_at: 'next tuesday-ish' }, /invalid input syntax|time/i],
  ['an empty job_key', { p_job_type: 'ok', p_job_key: '' }, /job_key must be 1 to 255 characters/],
  ['a non-integer priority', { p_job_type: 'ok', p_priority: 'high' }, /invalid input syntax for type integer/],
];

export function validationContract(ctx: ContractContext): void {
  it.each(badEnqueues)('the database rejects %s with a clear error and writes no row', async (_, args, message) => {
    const transport = ctx.h.transport(newUser());
    const attempt = callRpc(transport, 'enqueue_job', args);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    expect(await countJobs(ctx.h)).toBe(0);
  });

  it.each([
    ['an invalid job type', { jobType: 'Bad Type' }, /job type must match/],
    ['priority 0', { jobType: 'ok', priority: 0 }, /priority/],
    ['priority 11', { jobType: 'ok', priority: 11 }, /priority/],
    ['max_attempts 0', { jobType: 'ok', maxAttempts: 0 }, /maxAttempts/],
    ['a payload over 64 KiB', { jobType: 'ok', payload: { big } }, /payload is \d+ bytes/],
    ['an unknown option', { jobType: 'ok', userId: 'someone-else' }, /unrecognized key/i],
  ])('the client rejects %s before calling the database', async (_, input, message) => {
    const attempt = ctx.h.client(newUser()).enqueue(input as never);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    expect(await countJobs(ctx.h)).toBe(0);
  });

  it('rejects a payload whose values cannot be JSON', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(ctx.h.client(newUser()).enqueue({ jobType: 'ok', payload: circular })).rejects.toThrow(
      /not JSON-serialisable/,
    );
  });

  it('rejects bad claim arguments clearly', async () => {
    const client = ctx.h.transport(service);
    await expect(callRpc(client, 'claim_jobs', { p_worker_id: '', p_limit: 1 })).rejects.toThrow(/worker_id must be/);
    await expect(callRpc(client, 'claim_jobs', { p_worker_id: 'w', p_limit: 0 })).rejects.toThrow(/limit must be/);
    await expect(callRpc(client, 'claim_jobs', { p_worker_id: 'w', p_lease_seconds: 0 })).rejects.toThrow(
      /lease_seconds must be/,
    );
  });

  it('rejects a malformed job id as bad input, not as a server error', async () => {
    const attempt = callRpc(ctx.h.transport(newUser()), 'get_job', { p_job_id: 'not-a-uuid' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
  });

  it('names the function and argument when an argument does not exist', async () => {
    await expect(callRpc(ctx.h.transport(service), 'enqueue_job', { p_user_id: 'x' })).rejects.toThrow(
      /enqueue_job has no argument p_user_id/,
    );
  });
}
