import type { Processor } from '@tessera/queue';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/** A stand-in job until the certificate processor lands: a few steps with progress. */
export const demoRender: Processor<{ label?: string; fail?: boolean }> = async (job, { signal, progress }) => {
  for (let step = 1; step <= 5; step += 1) {
    await sleep(250, signal);
    progress(step * 20);
  }
  if (job.payload.fail) throw new Error('demo failure requested');
  return { renderedAt: new Date().toISOString(), label: job.payload.label ?? 'demo' };
};
