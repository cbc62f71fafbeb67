import type { PushSource, PushUnsubscribe } from './PushSource';
import type { TabChannel } from './TabChannel';

export interface WakeSignalSources {
  push: PushSource | null;
  channel: TabChannel;
  /** Wake only for changes to these job types (push `'*'` and untyped messages wake always). */
  jobTypes: readonly string[];
}

function listen(target: EventTarget | undefined, type: string, handler: () => void): () => void {
  if (!target) return () => {};
  target.addEventListener(type, handler);
  return () => target.removeEventListener(type, handler);
}

/**
 * Everything that says "look for work now" besides this tab's own enqueue: a push (Realtime or
 * LISTEN), another tab's enqueue (BroadcastChannel), the tab becoming visible (its timers may have
 * been throttled while hidden), the browser coming back online. Returns the functions that stop
 * listening; the push one resolves once the subscription is gone.
 */
export function listenForWakeSignals(
  sources: WakeSignalSources,
  wake: () => void,
  onPushStatus: (connected: boolean) => void,
): Array<() => void | Promise<void>> {
  const wanted = (jobType: string | undefined) => !jobType || jobType === '*' || sources.jobTypes.includes(jobType);
  const stops: Array<() => void | PushUnsubscribe | Promise<void>> = [];
  if (sources.push) {
    stops.push(sources.push.subscribe((jobType) => wanted(jobType) && wake(), onPushStatus));
  }
  stops.push(
    sources.channel.subscribe((message) => {
      if (message.type === 'enqueued' && wanted(message.jobType)) wake();
    }),
  );
  const doc = typeof document === 'undefined' ? undefined : document;
  stops.push(
    listen(doc, 'visibilitychange', () => {
      if (doc?.visibilityState === 'visible') wake();
    }),
  );
  stops.push(listen(typeof window === 'undefined' ? undefined : window, 'online', wake));
  return stops as Array<() => void | Promise<void>>;
}
