import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { NotAllowedError, TransportError, ValidationError } from '../errors';
import { JOB_CHANGES_CHANNEL, JOBS_CHANNEL, type RpcArgs, type Transport, type Unsubscribe } from '../transport';

/** The signed-in user's id, or how to get it when the push channel opens (after sign-in). */
export type UserIdSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

export interface SupabaseTransportOptions {
  /** Names the user's private Realtime channel `jobs:<user_id>`; needed only to `subscribe`. */
  userId?: UserIdSource;
  /** Told when the push channel connects (true) or drops (false): poll only while it is false. */
  onPushStatus?: (connected: boolean) => void;
  /** How long Realtime may take to join the channel (realtime-js default: 10 s). */
  subscribeTimeoutMs?: number;
}

/** The error PostgREST answered with (or supabase-js made of a failed fetch: `status` 0). */
export class PostgrestRpcError extends Error {
  readonly code: string;
  readonly details: string | null;
  readonly hint: string | null;

  constructor(
    error: { code?: string | null; message?: string; details?: string | null; hint?: string | null },
    readonly status: number,
  ) {
    super(error.message || `PostgREST answered ${status}`);
    this.name = 'PostgrestRpcError';
    this.code = error.code ?? '';
    this.details = error.details ?? null;
    this.hint = error.hint ?? null;
  }
}

// PostgREST's own codes (not SQLSTATEs: toQueueError maps those) that mean what a pg transport
// reports as typed errors: no such function or argument, or a JWT the API refused.
const POSTGREST_ERRORS: Record<string, typeof ValidationError> = {
  PGRST202: ValidationError,
  PGRST203: ValidationError,
  PGRST301: NotAllowedError,
  PGRST302: NotAllowedError,
  PGRST303: NotAllowedError,
};

function toRpcError(error: PostgrestRpcError): Error {
  const TypedError = POSTGREST_ERRORS[error.code];
  if (!TypedError) return error;
  const options = { code: error.code, detail: error.details ?? undefined, hint: error.hint ?? undefined };
  return new TypedError(error.message, { ...options, cause: error });
}

interface BroadcastMessage {
  payload?: {
    record?: { id?: unknown; job_type?: unknown; status?: unknown } | null;
    old_record?: { id?: unknown; job_type?: unknown; status?: unknown } | null;
  } | null;
}

interface TopicSink {
  /** 'wake': jobs that became pending (JOBS_CHANNEL); 'changes': every change (JOB_CHANGES_CHANNEL). */
  kind: 'wake' | 'changes';
  message(payload: string): void;
  status(connected: boolean): void;
}

/**
 * One joined Realtime channel, shared by every transport on the same client and topic:
 * realtime-js hands out the same channel object for a topic, and `subscribe()` on a channel
 * that is already joined (or still leaving) never reports back.
 */
class TopicChannel {
  readonly ready: Promise<void>;
  closing: Promise<void> | undefined;
  private readonly sinks = new Set<TopicSink>();
  private readonly channel: RealtimeChannel;
  private connected = false;
  private left = false;
  private abandon: ((error: Error) => void) | undefined;

  constructor(
    private readonly client: SupabaseClient,
    readonly topic: string,
    timeoutMs: number | undefined,
    private readonly onClosed: () => void,
  ) {
    this.channel = client
      .channel(topic, { config: { private: true } })
      .on('broadcast', { event: '*' }, (message: BroadcastMessage) => this.receive(message));
    this.ready = new Promise<void>((resolve, reject) => {
      let joined = false;
      this.abandon = reject;
      this.channel.subscribe((state, err) => {
        if (this.left) return;
        const status: string = state;
        if (status === 'SUBSCRIBED') {
          this.setConnected(true);
          if (joined) this.deliver('*'); // rejoined after a drop: broadcasts sent meanwhile were missed
          joined = true;
          resolve();
          return;
        }
        this.setConnected(false); // realtime-js rejoins on its own once it was joined
        if (!joined) reject(joinError(topic, status, err));
      }, timeoutMs);
    });
    // A channel that never joined leaves nothing behind: the next subscribe starts afresh.
    this.ready.catch(() => void this.close().catch(() => undefined));
  }

  add(sink: TopicSink): void {
    this.sinks.add(sink);
    if (this.connected) sink.status(true);
  }

  async remove(sink: TopicSink): Promise<void> {
    if (this.sinks.delete(sink) && this.sinks.size === 0) await this.close();
  }

  close(): Promise<void> {
    this.left = true;
    this.closing ??= (async () => {
      this.abandon?.(new TransportError(`Realtime channel ${this.topic} was closed before it was subscribed`));
      this.setConnected(false);
      try {
        await this.client.removeChannel(this.channel);
      } finally {
        this.onClosed();
      }
    })();
    return this.closing;
  }

  private receive(message: BroadcastMessage): void {
    const record = message.payload?.record ?? message.payload?.old_record;
    const change =
      record && typeof record.id === 'string'
        ? JSON.stringify({ id: record.id, status: record.status ?? null, job_type: record.job_type ?? null })
        : '*';
    // Only a job that became pending is work to claim; progress and completion changes are not.
    const isWork = !record || typeof record.status !== 'string' || record.status === 'pending';
    const jobType = typeof record?.job_type === 'string' ? record.job_type : '*';
    for (const sink of this.sinks) {
      if (sink.kind === 'changes') sink.message(change);
      else if (isWork) sink.message(jobType);
    }
  }

  private deliver(payload: string): void {
    for (const sink of this.sinks) sink.message(payload);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const sink of this.sinks) sink.status(connected);
  }
}

function joinError(topic: string, status: string, err: Error | undefined): TransportError {
  if (status === 'CHANNEL_ERROR') {
    return new TransportError(
      `Realtime refused the private channel ${topic}: ${err?.message || 'channel error'}` +
        ' (is it authorised by an RLS policy on realtime.messages, and is the user signed in?)',
      { cause: err },
    );
  }
  if (status === 'TIMED_OUT') return new TransportError(`Realtime did not join the channel ${topic} in time`);
  return new TransportError(`Realtime channel ${topic} closed before it was subscribed (${status})`);
}

const topicsByClient = new WeakMap<SupabaseClient, Map<string, TopicChannel>>();

async function openTopic(client: SupabaseClient, topic: string, timeoutMs: number | undefined): Promise<TopicChannel> {
  let topics = topicsByClient.get(client);
  if (!topics) {
    topics = new Map();
    topicsByClient.set(client, topics);
  }
  for (let existing = topics.get(topic); existing; existing = topics.get(topic)) {
    if (!existing.closing) return existing;
    await existing.closing.catch(() => undefined); // let a leaving channel go before joining anew
  }
  const opened: TopicChannel = new TopicChannel(client, topic, timeoutMs, () => {
    if (topics.get(topic) === opened) topics.delete(topic);
  });
  topics.set(topic, opened);
  return opened;
}

/**
 * Transport over supabase-js: every call is `supabase.rpc()` (PostgREST), identity is the
 * client's session JWT, and the wake-up channel is the user's private Realtime Broadcast
 * channel `jobs:<user_id>`, fed by a database trigger calling `realtime.broadcast_changes`.
 */
export class SupabaseTransport implements Transport {
  private readonly subscriptions = new Set<{ topic: TopicChannel; sink: TopicSink }>();
  private connected = false;

  constructor(
    readonly client: SupabaseClient,
    private readonly options: SupabaseTransportOptions = {},
  ) {}

  /** Whether a push channel is joined right now. */
  get pushConnected(): boolean {
    return this.connected;
  }

  async rpc(fn: string, args: RpcArgs = {}): Promise<unknown> {
    // `undefined` means "use the function's default": PostgREST must not see the argument at all.
    const named = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
    const { data, error, status } = await this.client.rpc(fn, named);
    if (error) throw toRpcError(new PostgrestRpcError(error, status));
    return data ?? null;
  }

  /** `tessera_jobs` (wake-ups) and `tessera_job_changes` (every change) both come from the
   * user's Realtime channel `jobs:<user_id>`. */
  async subscribe(channel: string, listener: (payload: string) => void): Promise<Unsubscribe> {
    if (channel !== JOBS_CHANNEL && channel !== JOB_CHANGES_CHANNEL) {
      throw new TransportError(
        `SupabaseTransport can only subscribe to ${JOBS_CHANNEL} or ${JOB_CHANGES_CHANNEL}, not ${channel}`,
      );
    }
    const source = this.options.userId;
    const userId = typeof source === 'function' ? await source() : source;
    if (!userId) throw new TransportError('SupabaseTransport needs the signed-in user id (option userId) to subscribe');
    const topic = await openTopic(this.client, `jobs:${userId}`, this.options.subscribeTimeoutMs);
    const kind: TopicSink['kind'] = channel === JOB_CHANGES_CHANNEL ? 'changes' : 'wake';
    const subscription = { topic, sink: { kind, message: listener, status: (up: boolean) => this.setConnected(up) } };
    this.subscriptions.add(subscription);
    topic.add(subscription.sink);
    try {
      await topic.ready;
    } catch (error) {
      await this.unsubscribe(subscription);
      throw error;
    }
    return () => this.unsubscribe(subscription);
  }

  /** Leaves this transport's channels; the Supabase client stays the app's. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => this.unsubscribe(subscription)));
  }

  private async unsubscribe(subscription: { topic: TopicChannel; sink: TopicSink }): Promise<void> {
    if (!this.subscriptions.delete(subscription)) return;
    if (this.subscriptions.size === 0) this.setConnected(false);
    await subscription.topic.remove(subscription.sink);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.options.onPushStatus?.(connected);
  }
}

export function createSupabaseTransport(client: SupabaseClient, options?: SupabaseTransportOptions): SupabaseTransport {
  return new SupabaseTransport(client, options);
}
