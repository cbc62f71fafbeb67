import { PermanentJobError, type Processors } from '@tessera/queue';

/**
 * The job types this worker runs. Processors know nothing of the queue: a job in, a JSON result
 * out (or a thrown error). The certificate processor joins this map from packages/certificates.
 */
export const processors: Processors = {
  /** Does nothing: for smoke tests and benchmarks. */
  noop: () => null,

  /** A stand-in render: reports progress in steps and returns what it "rendered". */
  'demo.render': async (job: { payload: { title?: unknown; steps?: unknown } }, { progress, signal }) => {
    const title = job.payload.title ?? 'Untitled';
    if (typeof title !== 'string') throw new PermanentJobError('payload.title must be a string');
    const steps = typeof job.payload.steps === 'number' ? Math.min(20, Math.max(1, Math.floor(job.payload.steps))) : 4;
    for (let step = 1; step <= steps; step += 1) {
      signal.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, 25));
      progress((step / steps) * 100);
    }
    return { rendered: title, pages: steps };
  },
};
