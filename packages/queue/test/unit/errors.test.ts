import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConflictError,
  InvalidStateError,
  LeaseLostError,
  NotAllowedError,
  NotFoundError,
  QueueError,
  TransportError,
  ValidationError,
  toQueueError,
} from '../../src/errors';
import { errorMessage } from '../../src/worker/errorMessage';

describe('toQueueError', () => {
  it.each([
    [{ code: 'P0001', message: 'lease lost' }, LeaseLostError],
    [{ code: '42501', message: 'not authenticated' }, NotAllowedError],
    [{ code: 'P0002', message: 'job not found' }, NotFoundError],
    [{ code: '55000', message: 'cannot retry a completed job' }, InvalidStateError],
    [{ code: '23505', message: 'duplicate key' }, ConflictError],
    [{ code: '22023', message: 'priority must be between 1 (highest) and 10' }, ValidationError],
    [{ code: '23514', message: 'violates check constraint' }, ValidationError],
    [{ code: '57P01', message: 'terminating connection' }, TransportError],
    [new Error('connect ECONNREFUSED 127.0.0.1:5432'), TransportError],
    [{ code: 'P0001', message: 'something else' }, QueueError],
  ])('maps %o to %o', (raw, type) => {
    const mapped = toQueueError(raw);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.message).toBe((raw as { message: string }).message);
  });

  it('keeps PostgREST-style `details` and the hint', () => {
    const mapped = toQueueError({ code: 'P0001', message: 'lease lost', details: 'job 1', hint: 'h' });
    expect(mapped).toMatchObject({ code: 'P0001', detail: 'job 1', hint: 'h' });
  });

  it('turns zod issues into one readable ValidationError', () => {
    const result = z.object({ priority: z.number().max(10) }).safeParse({ priority: 11 });
    const mapped = toQueueError(result.error);
    expect(mapped).toBeInstanceOf(ValidationError);
    expect(mapped.message).toMatch(/^priority: /);
  });
});

describe('errorMessage', () => {
  it('reads anything a processor may throw', () => {
    expect(errorMessage(new TypeError('bad'))).toBe('bad');
    expect(errorMessage('text')).toBe('text');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(null)).toBe('processor threw null');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorMessage(circular)).toBe('[object Object]');
  });
});
