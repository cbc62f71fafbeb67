import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { assertFunctionName, buildCall, toSignature, type FunctionSignature } from '../../src/transports/sql-call';

const enqueue: FunctionSignature = {
  name: 'enqueue_job',
  returnsSet: false,
  returnsRows: true,
  args: [
    { name: 'p_job_type', type: 'text' },
    { name: 'p_payload', type: 'jsonb' },
    { name: 'p_run_at', type: 'timestamp with time zone' },
  ],
};

describe('buildCall', () => {
  it('passes arguments by name with casts, as parameters, never spliced into the SQL', () => {
    const call = buildCall(enqueue, { p_job_type: "x'; drop table t; --", p_payload: { a: [1] } });
    expect(call.text).toBe(
      'select to_jsonb(r) as result from public.enqueue_job(p_job_type => $1::text, p_payload => $2::jsonb) r',
    );
    expect(call.values).toEqual(["x'; drop table t; --", '{"a":[1]}']);
  });

  it('leaves out undefined arguments so the SQL default applies, and keeps explicit nulls', () => {
    const call = buildCall(enqueue, { p_job_type: 'a', p_payload: undefined, p_run_at: null });
    expect(call.text).toContain('p_run_at => $2::timestamp with time zone');
    expect(call.values).toEqual(['a', null]);
  });

  it('shapes results like PostgREST: rows → array, scalar set → array, scalar → value', () => {
    expect(buildCall({ ...enqueue, returnsSet: true }, {}).text).toMatch(/jsonb_agg\(to_jsonb\(r\)\)/);
    expect(buildCall({ ...enqueue, returnsSet: true, returnsRows: false }, {}).text).toMatch(/jsonb_agg\(r\.v\)/);
    expect(buildCall({ ...enqueue, returnsRows: false }, {}).text).toBe(
      'select to_jsonb(public.enqueue_job()) as result',
    );
  });

  it('refuses an argument the function does not have, naming the ones it has', () => {
    expect(() => buildCall(enqueue, { p_user_id: 'x' })).toThrow(
      'function enqueue_job has no argument p_user_id (it takes p_job_type, p_payload, p_run_at)',
    );
  });
});

describe('function signatures', () => {
  it('refuses names that are not plain identifiers', () => {
    expect(() => assertFunctionName('enqueue_job; drop table x')).toThrow(ValidationError);
    expect(() => assertFunctionName('enqueue_job')).not.toThrow();
  });

  it('explains a missing function (migrations not applied)', () => {
    expect(() => toSignature('nope', [])).toThrow(/does not exist \(are the migrations applied\?\)/);
  });
});
