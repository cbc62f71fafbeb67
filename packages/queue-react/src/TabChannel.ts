/** What the tabs of one user tell each other. */
export type TabMessage =
  /** A job was enqueued: the leader tab should look for work now. */
  | { type: 'enqueued'; jobType?: string }
  /** A job changed (started, finished, ...): refetch it. With `progress`, only its progress moved. */
  | { type: 'job-changed'; id: string; progress?: number };

export type TabMessageListener = (message: TabMessage) => void;

type BroadcastChannelConstructor = new (name: string) => BroadcastChannel;

export interface TabChannelOptions {
  /** Default the global `BroadcastChannel`; `null` (or none in this runtime): a channel that carries nothing. */
  BroadcastChannel?: BroadcastChannelConstructor | null;
}

export function tabChannelName(userId: string): string {
  return `tessera:${userId}`;
}

function defaultBroadcastChannel(): BroadcastChannelConstructor | null {
  return typeof BroadcastChannel === 'function' ? BroadcastChannel : null;
}

// Another tab is same-origin code, but a message is still data: accept only the shapes we send.
function toTabMessage(data: unknown): TabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message.type === 'enqueued') {
    return typeof message.jobType === 'string' ? { type: 'enqueued', jobType: message.jobType } : { type: 'enqueued' };
  }
  if (message.type === 'job-changed' && typeof message.id === 'string') {
    return typeof message.progress === 'number'
      ? { type: 'job-changed', id: message.id, progress: message.progress }
      : { type: 'job-changed', id: message.id };
  }
  return null;
}

/**
 * A BroadcastChannel between the tabs of one user (`tessera:<userId>`). Creating one does nothing:
 * the underlying channel opens with the first listener and closes with the last, so an instance
 * made during render (React may make and drop several) never leaks. A channel does not hear its
 * own messages, so one instance per tab serves the worker and the queries together.
 */
export class TabChannel {
  private readonly Channel: BroadcastChannelConstructor | null;
  private channel: BroadcastChannel | null = null;
  private readonly listeners = new Set<TabMessageListener>();

  constructor(
    readonly name: string,
    options: TabChannelOptions = {},
  ) {
    this.Channel = options.BroadcastChannel === undefined ? defaultBroadcastChannel() : options.BroadcastChannel;
  }

  static forUser(userId: string, options?: TabChannelOptions): TabChannel {
    return new TabChannel(tabChannelName(userId), options);
  }

  subscribe(listener: TabMessageListener): () => void {
    this.listeners.add(listener);
    this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.closeChannel();
    };
  }

  /** Sends to every other tab (and every other TabChannel instance) of this user. */
  post(message: TabMessage): void {
    if (!this.Channel) return;
    if (this.channel) {
      this.channel.postMessage(message);
      return;
    }
    // Nobody listens here: a short-lived channel just to send.
    const channel = new this.Channel(this.name);
    channel.postMessage(message);
    channel.close();
  }

  private open(): void {
    if (this.channel || !this.Channel) return;
    const channel = new this.Channel(this.name);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const message = toTabMessage(event.data);
      if (!message) return;
      for (const listener of [...this.listeners]) listener(message);
    };
    this.channel = channel;
  }

  private closeChannel(): void {
    this.channel?.close();
    this.channel = null;
  }
}
