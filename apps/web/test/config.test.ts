import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';

describe('readConfig: the browser worker lease', () => {
  it('is undefined unless VITE_TESSERA_WORKER_LEASE_SECONDS is set (useJobWorker keeps its default)', () => {
    expect(readConfig({}).workerLeaseSeconds).toBeUndefined();
    expect(readConfig({ VITE_TESSERA_WORKER_LEASE_SECONDS: '  ' }).workerLeaseSeconds).toBeUndefined();
  });

  it('takes a whole number of seconds from the env', () => {
    expect(readConfig({ VITE_TESSERA_WORKER_LEASE_SECONDS: '12' }).workerLeaseSeconds).toBe(12);
  });

  it.each(['0', '-5', '1.5', 'soon', '86401'])('refuses %j with a clear message', (value) => {
    expect(() => readConfig({ VITE_TESSERA_WORKER_LEASE_SECONDS: value })).toThrow(
      `VITE_TESSERA_WORKER_LEASE_SECONDS must be a whole number of seconds from 1 to 86400, got ${value}`,
    );
  });
});
