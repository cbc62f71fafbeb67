import { CacheTimeoutError } from './errors';

/** Settles with `work`, or rejects with CacheTimeoutError once `timeoutMs` has passed. */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new CacheTimeoutError(`${what} timed out after ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  // A late rejection of `work` after the deadline won is expected; keep it from going unhandled.
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
  });
}
