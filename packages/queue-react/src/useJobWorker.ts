import type { Processors } from '@tessera/queue';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { BrowserJobWorker, type BrowserWorkerSnapshot } from './BrowserJobWorker';
import { useTessera } from './TesseraProvider';
import { announceToTab, dispatchLifecycle, useLatest, type JobLifecycleCallbacks } from './workerEvents';

/**
 * The lifecycle callbacks (onCompleted, onFailed, onRetrying, onStalled) hear the jobs this
 * worker runs; the latest ones are called, and passing new functions each render is fine.
 */
export interface UseJobWorkerOptions extends JobLifecycleCallbacks {
  processors: Processors;
  /** false: this tab runs no worker (state 'paused'). Default true. */
  enabled?: boolean;
  /** Poll this often only while no push channel is connected (default 10 000 ms). */
  intervalMs?: number;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Lease per claim (default 60 s). */
  leaseSeconds?: number;
  /** On unmount, running jobs get this long to finish before they are released (default 5 000 ms). */
  graceMs?: number;
}

/**
 * Runs the signed-in user's jobs in this tab while it is the user's leader tab, and re-renders
 * with the worker's state. All logic is in BrowserJobWorker; this hook only binds its lifetime.
 */
export function useJobWorker({
  processors,
  enabled = true,
  intervalMs = 10_000,
  concurrency = 1,
  leaseSeconds,
  graceMs,
  ...callbacks
}: UseJobWorkerOptions): BrowserWorkerSnapshot {
  const { client, userId, push, channel, workers } = useTessera();
  const latest = useLatest<JobLifecycleCallbacks>(callbacks);
  // New processor functions each render are fine; only a new set of job types needs a new worker.
  const jobTypesKey = JSON.stringify(Object.keys(processors).sort());
  const worker = useMemo(
    () =>
      new BrowserJobWorker(client, {
        userId,
        processors: {},
        jobTypes: JSON.parse(jobTypesKey) as string[],
        intervalMs,
        concurrency,
        leaseSeconds,
        graceMs,
        push: push ?? false,
        channel,
      }),
    [client, userId, push, channel, jobTypesKey, intervalMs, concurrency, leaseSeconds, graceMs],
  );

  useEffect(() => {
    worker.setProcessors(processors);
  }, [worker, processors]);

  // One subscription per worker: the callbacks are read from the ref when an event comes.
  useEffect(
    () =>
      worker.on('*', (event) => {
        // A throwing callback is reported as a worker error (lastError); the tab still hears the event.
        try {
          dispatchLifecycle(latest.current, event);
        } finally {
          announceToTab(workers, event);
        }
      }),
    [worker, workers, latest],
  );

  useEffect(() => {
    if (!enabled) return;
    worker.start();
    const remove = workers.add(worker);
    return () => {
      remove();
      void worker.stop(); // finishes or releases running jobs, then hands the lock on
    };
  }, [worker, workers, enabled]);

  return useSyncExternalStore(worker.subscribe, worker.getSnapshot, worker.getSnapshot);
}
