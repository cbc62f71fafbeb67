import type { SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it, vi } from 'vitest';
import { TransportError } from '../../src/errors';
import { SupabaseTransport, type SupabaseTransportOptions } from '../../src/transports/supabase';

// Realtime cannot run here, so this is a thin stand-in for the two methods of the client the
// transport uses (`channel`, `removeChannel`) and the channel's `on`/`subscribe`. Calls go
// through a real supabase-js client in queue-contract.supabase.test.ts.
type Status = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR';

class FakeChannel {
  readonly bindings: Array<{ type: string; filter: unknown }> = [];
  private readonly handlers: Array<(message: unknown) => void> = [];
  private onStatus: ((status: Status, err?: Error) => void) | undefined;
  subscribeTimeout: number | undefined;

  constructor(
    readonly topic: string,
    readonly params: unknown,
  ) {}

  on(type: string, filter: unknown, handler: (message: unknown) => void): this {
    this.bindings.push({ type, filter });
    this.handlers.push(handler);
    return this;
  }

  subscribe(onStatus: (status: Status, err?: Error) => void, timeout?: number): this {
    this.onStatus = onStatus;
    this.subscribeTimeout = timeout;
    return this;
  }

  /** What Realtime reports about the join. */
  report(status: Status, err?: Error): void {
    this.onStatus?.(status, err);
  }

  /** A message from `realtime.broadcast_changes` on the job table. */
  broadcast(payload: unknown, event = 'INSERT'): void {
    for (const handler of this.handlers) handler({ type: 'broadcast', event, payload });
  }
}

class FakeSupabase {
  readonly channels: FakeChannel[] = [];
  readonly removed: FakeChannel[] = [];

  channel(topic: string, params: unknown): FakeChannel {
    const channel = new FakeChannel(topic, params);
    this.channels.push(channel);
    return channel;
  }

  async removeChannel(channel: FakeChannel): Promise<'ok'> {
    this.removed.push(channel);
    channel.report('CLOSED');
    return 'ok';
  }

  get last(): FakeChannel {
    const channel = this.channels.at(-1);
    if (!channel) throw new Error('no channel was opened');
    return channel;
  }
}

function setup(options: SupabaseTransportOptions = { userId: 'u1' }) {
  const supabase = new FakeSupabase();
  const pushStatus: boolean[] = [];
  const transport = new SupabaseTransport(supabase as unknown as SupabaseClient, {
    onPushStatus: (connected) => pushStatus.push(connected),
    ...options,
  });
  return { supabase, transport, pushStatus };
}

/** Lets the transport reach `channel.subscribe` (it awaits the user id first). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SupabaseTransport.subscribe (Realtime broadcast)', () => {
  it('joins the private channel jobs:<user id> for broadcasts and resolves once SUBSCRIBED', async () => {
    const { supabase, transport } = setup();
    let resolved = false;
    const subscribing = transport.subscribe('tessera_jobs', () => undefined).then(() => {
      resolved = true;
    });
    await settle();
    expect(supabase.last.topic).toBe('jobs:u1');
    expect(supabase.last.params).toEqual({ config: { private: true } });
    expect(supabase.last.bindings).toEqual([{ type: 'broadcast', filter: { event: '*' } }]);
    expect(resolved).toBe(false);
    supabase.last.report('SUBSCRIBED');
    await subscribing;
    expect(resolved).toBe(true);
  });

  it('gets the user id from a function when it subscribes', async () => {
    const { supabase, transport } = setup({ userId: async () => 'from-session' });
    void transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    expect(supabase.last.topic).toBe('jobs:from-session');
  });

  it('hands the listener the job type of each job that became pending', async () => {
    const { supabase, transport } = setup();
    const received: string[] = [];
    const subscribing = transport.subscribe('tessera_jobs', (jobType) => received.push(jobType));
    await settle();
    supabase.last.report('SUBSCRIBED');
    await subscribing;
    supabase.last.broadcast({ table: 'job_queue', record: { job_type: 'certificate', status: 'pending' } });
    supabase.last.broadcast({ table: 'job_queue', record: { job_type: 'certificate', status: 'completed' } }, 'UPDATE');
    supabase.last.broadcast({ table: 'job_queue', record: null, old_record: { id: 'x' } }, 'DELETE');
    supabase.last.broadcast({});
    expect(received).toEqual(['certificate', '*', '*']);
  });

  it('hands tessera_job_changes listeners every change (so a page sees a job a server finished)', async () => {
    const { supabase, transport } = setup();
    const changes: string[] = [];
    const wakes: string[] = [];
    const subscribingChanges = transport.subscribe('tessera_job_changes', (change) => changes.push(change));
    const subscribingWakes = transport.subscribe('tessera_jobs', (jobType) => wakes.push(jobType));
    await settle();
    supabase.last.report('SUBSCRIBED');
    await Promise.all([subscribingChanges, subscribingWakes]);
    expect(supabase.channels).toHaveLength(1); // one Realtime channel feeds both
    supabase.last.broadcast({ record: { id: 'j1', job_type: 'certificate', status: 'completed' } }, 'UPDATE');
    supabase.last.broadcast({ record: null, old_record: { id: 'j2' } }, 'DELETE');
    supabase.last.broadcast({});
    expect(changes.map((change) => (change === '*' ? '*' : JSON.parse(change)))).toEqual([
      { id: 'j1', status: 'completed', job_type: 'certificate' },
      { id: 'j2', status: null, job_type: null },
      '*',
    ]);
    expect(wakes).toEqual(['*', '*']); // the completion is no work to claim
  });

  it('rejects with a clear TransportError when Realtime refuses the channel, and removes it', async () => {
    const { supabase, transport, pushStatus } = setup();
    const subscribing = transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    const refusal = 'Unauthorized: You do not have permissions to read from this Channel topic: jobs:u1';
    supabase.last.report('CHANNEL_ERROR', new Error(refusal));
    await expect(subscribing).rejects.toBeInstanceOf(TransportError);
    await expect(subscribing).rejects.toThrow(/refused the private channel jobs:u1: Unauthorized.*realtime\.messages/);
    await vi.waitFor(() => expect(supabase.removed).toEqual([supabase.last]));
    expect(pushStatus).toEqual([]);
  });

  it('rejects when the join times out, with the timeout it was given', async () => {
    const { supabase, transport } = setup({ userId: 'u1', subscribeTimeoutMs: 2_500 });
    const subscribing = transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    expect(supabase.last.subscribeTimeout).toBe(2_500);
    supabase.last.report('TIMED_OUT');
    await expect(subscribing).rejects.toThrow(/did not join the channel jobs:u1 in time/);
  });

  it('tries afresh after a failed join', async () => {
    const { supabase, transport } = setup();
    const first = transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    supabase.last.report('CHANNEL_ERROR');
    await expect(first).rejects.toThrow(TransportError);
    const second = transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    expect(supabase.channels).toHaveLength(2);
    supabase.last.report('SUBSCRIBED');
    await expect(second).resolves.toBeTypeOf('function');
  });

  it('reports push status: connected when joined, not while dropped, and wakes listeners on rejoin', async () => {
    const { supabase, transport, pushStatus } = setup();
    const received: string[] = [];
    const subscribing = transport.subscribe('tessera_jobs', (jobType) => received.push(jobType));
    await settle();
    supabase.last.report('SUBSCRIBED');
    await subscribing;
    expect(pushStatus).toEqual([true]);
    expect(transport.pushConnected).toBe(true);
    supabase.last.report('CHANNEL_ERROR', new Error('socket dropped'));
    expect(pushStatus).toEqual([true, false]);
    supabase.last.report('SUBSCRIBED');
    expect(pushStatus).toEqual([true, false, true]);
    expect(received).toEqual(['*']); // broadcasts sent while dropped were missed
  });

  it('unsubscribe removes the channel and reports the push channel gone', async () => {
    const { supabase, transport, pushStatus } = setup();
    const subscribing = transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    supabase.last.report('SUBSCRIBED');
    const unsubscribe = await subscribing;
    await unsubscribe();
    expect(supabase.removed).toEqual([supabase.last]);
    expect(pushStatus).toEqual([true, false]);
    expect(transport.pushConnected).toBe(false);
  });

  it('shares one channel among subscribers of a client and removes it when the last one leaves', async () => {
    const { supabase, transport } = setup();
    const other = new SupabaseTransport(supabase as unknown as SupabaseClient, { userId: 'u1' });
    const first = transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    supabase.last.report('SUBSCRIBED');
    const unsubscribeFirst = await first;
    const received: string[] = [];
    const unsubscribeSecond = await other.subscribe('tessera_jobs', (jobType) => received.push(jobType));
    expect(supabase.channels).toHaveLength(1);
    supabase.last.broadcast({ record: { job_type: 'render', status: 'pending' } });
    expect(received).toEqual(['render']);
    await unsubscribeFirst();
    expect(supabase.removed).toEqual([]);
    await unsubscribeSecond();
    expect(supabase.removed).toEqual([supabase.last]);
  });

  it('close() removes its channel, and rejects a join still under way', async () => {
    const { supabase, transport } = setup();
    const subscribing = transport.subscribe('tessera_jobs', () => undefined);
    await settle();
    await transport.close();
    await expect(subscribing).rejects.toThrow(/closed before it was subscribed/);
    expect(supabase.removed).toEqual([supabase.last]);
  });

  it('needs the user id, and knows only the jobs channel', async () => {
    await expect(setup({}).transport.subscribe('tessera_jobs', () => undefined)).rejects.toThrow(
      /needs the signed-in user id/,
    );
    await expect(setup().transport.subscribe('other', () => undefined)).rejects.toThrow(
      /only subscribe to tessera_jobs/,
    );
  });
});
