import type { LifecycleEvent, LifecycleListener } from '@tessera/queue';
import { useEffect, useRef } from 'react';
import type { TabWorkers } from './TabWorkers';
import { useTessera } from './TesseraProvider';

/** Callbacks for the lifecycle events of jobs this tab's worker runs (see JobWorker.on). */
export interface JobLifecycleCallbacks {
  /** The result is recorded. */
  onCompleted?: (event: LifecycleEvent) => void;
  /** Failed for good: no attempts left, or a PermanentJobError. */
  onFailed?: (event: LifecycleEvent) => void;
  /** This attempt failed; the job runs again after its backoff (`event.retryAt`, when known). */
  onRetrying?: (event: LifecycleEvent) => void;
  /** The lease was lost while the job ran (it expired and the job was requeued). */
  onStalled?: (event: LifecycleEvent) => void;
}

const CALLBACK = {
  completed: 'onCompleted',
  failed: 'onFailed',
  retrying: 'onRetrying',
  stalled: 'onStalled',
} as const satisfies Record<LifecycleEvent['type'], keyof JobLifecycleCallbacks>;

/** Calls the callback for the event's type, if there is one. */
export function dispatchLifecycle(callbacks: JobLifecycleCallbacks, event: LifecycleEvent): void {
  callbacks[CALLBACK[event.type]]?.(event);
}

// Per tab (one TabWorkers per TesseraProvider): components other than the one that called
// useJobWorker (the app's toasts) hear its workers' events. A WeakMap, so nothing outlives the tab.
const tabListeners = new WeakMap<TabWorkers, Set<LifecycleListener>>();

function listenersOf(workers: TabWorkers): Set<LifecycleListener> {
  let set = tabListeners.get(workers);
  if (!set) tabListeners.set(workers, (set = new Set()));
  return set;
}

/** Hands an event of one of the tab's workers to every useJobWorkerEvents of the tab. */
export function announceToTab(workers: TabWorkers, event: LifecycleEvent): void {
  for (const listener of [...listenersOf(workers)]) listener(event);
}

/** Keeps the latest callbacks in a ref, so a new object each render does not resubscribe. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

/**
 * Lifecycle callbacks for the jobs any `useJobWorker` of this tab runs, from anywhere under the
 * TesseraProvider (e.g. a toast area beside the worker). Only the leader tab runs jobs, so only
 * it hears them; a job finished elsewhere shows in the query data instead (`useJob`'s onDone).
 */
export function useJobWorkerEvents(callbacks: JobLifecycleCallbacks): void {
  const { workers } = useTessera();
  const latest = useLatest(callbacks);
  useEffect(() => {
    const listeners = listenersOf(workers);
    const listener: LifecycleListener = (event) => dispatchLifecycle(latest.current, event);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [workers, latest]);
}
