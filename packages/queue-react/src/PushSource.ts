import { JOBS_CHANNEL, type Transport } from '@tessera/queue';

/** Stops a push subscription; resolves once the database (or Realtime) was told. */
export type PushUnsubscribe = () => void | Promise<void>;

/**
 * Where "your jobs changed" arrives from without asking: Supabase Realtime, Postgres/PGlite
 * LISTEN, ... `onChange` gets the changed job's type, or `'*'` when the source does not know it.
 * `onStatus` says whether the channel is connected; until it says `true`, callers assume it is not
 * (and poll).
 */
export interface PushSource {
  subscribe(onChange: (jobType: string) => void, onStatus: (connected: boolean) => void): PushUnsubscribe;
}

export interface TransportPushSourceOptions {
  /** Default `tessera_jobs`, the channel the enqueue trigger notifies. */
  channel?: string;
  /**
   * For transports that can lose their channel after subscribing (Realtime reconnects): called
   * once connected with a `report(connected)` the transport's status callback should call (e.g. a
   * SupabaseTransport's `onPushStatus`). Returns a function that stops the reports.
   */
  watchStatus?: (report: (connected: boolean) => void) => () => void;
}

/**
 * A PushSource from a Transport's `subscribe`: connected once the subscription is in place, not
 * connected if it failed. With PGliteTransport that is LISTEN on the tab's own database: it hears
 * this tab's changes only, which is all there is to hear when the database lives in this tab (other
 * tabs' enqueues arrive over the TabChannel).
 */
export function transportPushSource(transport: Transport, options: TransportPushSourceOptions = {}): PushSource {
  const channel = options.channel ?? JOBS_CHANNEL;
  return {
    subscribe(onChange, onStatus) {
      let closed = false;
      let stopWatching: (() => void) | undefined;
      const subscribed = transport
        .subscribe(channel, (payload) => {
          if (!closed) onChange(payload || '*');
        })
        .then(
          (unsubscribe) => {
            if (closed) return unsubscribe;
            onStatus(true);
            stopWatching = options.watchStatus?.((connected) => {
              if (!closed) onStatus(connected);
            });
            return unsubscribe;
          },
          () => {
            if (!closed) onStatus(false);
            return undefined;
          },
        );
      return async () => {
        closed = true;
        stopWatching?.();
        const unsubscribe = await subscribed;
        await unsubscribe?.().catch(() => {}); // the connection may be gone already; nothing to undo
      };
    },
  };
}

/**
 * One underlying subscription shared by every subscriber (the worker and the query cache of a
 * tab), opened with the first and closed with the last. A late subscriber is told the current status.
 */
export function sharedPushSource(source: PushSource): PushSource {
  type Subscriber = { onChange: (jobType: string) => void; onStatus: (connected: boolean) => void };
  const subscribers = new Set<Subscriber>();
  let connected = false;
  let unsubscribe: PushUnsubscribe | undefined;

  return {
    subscribe(onChange, onStatus) {
      const subscriber: Subscriber = { onChange, onStatus };
      subscribers.add(subscriber);
      if (subscribers.size === 1) {
        connected = false;
        unsubscribe = source.subscribe(
          (jobType) => {
            for (const each of [...subscribers]) each.onChange(jobType);
          },
          (status) => {
            connected = status;
            for (const each of [...subscribers]) each.onStatus(status);
          },
        );
      } else if (connected) {
        onStatus(true);
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        subscribers.delete(subscriber);
        if (subscribers.size > 0) return;
        const last = unsubscribe;
        unsubscribe = undefined;
        connected = false;
        await last?.();
      };
    },
  };
}
