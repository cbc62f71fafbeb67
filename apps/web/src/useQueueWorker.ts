import { JobWorker, type JobWorkerOptions, type QueueClient, type WorkerSnapshot } from '@tessera/queue';
import { useEffect, useState, useSyncExternalStore } from 'react';

/** Runs a JobWorker for this component's lifetime and re-renders on its snapshots. */
export function useQueueWorker(client: QueueClient, options: JobWorkerOptions): WorkerSnapshot {
  const [worker] = useState(() => new JobWorker(client, options));
  useEffect(() => {
    worker.start();
    return () => void worker.stop({ graceMs: 0 });
  }, [worker]);
  return useSyncExternalStore(
    (listener) => worker.subscribe(listener),
    () => worker.getSnapshot(),
  );
}
