import pg from 'pg';
import type { JwtClaims, RpcArgs, Transport, Unsubscribe } from '../transport';
import {
  assertFunctionName,
  buildCall,
  IMPERSONATE_QUERY,
  impersonationValues,
  SIGNATURE_QUERY,
  toSignature,
  type FunctionSignature,
  type SignatureRow,
} from './sql-call';

export interface PgTransportOptions {
  /** A pool to use (not closed by `close()`), or a connection string to open one. */
  pool?: pg.Pool;
  connectionString?: string;
  /** Pool size when the transport opens its own pool. */
  max?: number;
  /**
   * Run every call as this Supabase API user (`set local role` + `request.jwt.claims` in a
   * transaction). Omit for a trusted service connection: calls then run as the service role.
   */
  claims?: JwtClaims;
  /** Called when the LISTEN connection fails; it reconnects on its own. */
  onListenError?: (error: unknown) => void;
}

const LISTEN_RETRY_MS = [100, 250, 500, 1000, 2000, 5000] as const;

/** Transport over node-postgres: one round trip per call for the service role, LISTEN/NOTIFY push. */
export class PgTransport implements Transport {
  readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly claims: JwtClaims | undefined;
  private readonly signatures = new Map<string, Promise<FunctionSignature>>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private listenClient: pg.Client | undefined;
  private listenConnecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: PgTransportOptions) {
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else {
      this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
      this.ownsPool = true;
      // An idle pooled client that loses its server (restart) must not crash the process.
      this.pool.on('error', () => undefined);
    }
    this.claims = options.claims;
  }

  async rpc(fn: string, args?: RpcArgs): Promise<unknown> {
    const { text, values } = buildCall(await this.signature(fn), args);
    if (!this.claims) {
      const result = await this.pool.query<{ result: unknown }>(text, values);
      return result.rows[0]?.result ?? null;
    }
    const client = await this.pool.connect();
    // The pool stops listening for errors on a client it hands out, and node-postgres emits
    // 'error' (besides rejecting the query) when the server drops the connection mid-call, e.g. on
    // a restart: without a listener of ours that event would kill the process.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      await client.query('begin');
      await client.query(IMPERSONATE_QUERY, impersonationValues(this.claims));
      const result = await client.query<{ result: unknown }>(text, values);
      await client.query('commit');
      return result.rows[0]?.result ?? null;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        broken ??= rollbackError; // no rollback possible: the connection is gone
      });
      throw error;
    } finally {
      client.off('error', onError);
      // With an error the pool discards the client instead of handing the dead connection out again.
      client.release(broken);
    }
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<Unsubscribe> {
    let set = this.listeners.get(channel);
    const isNewChannel = !set;
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    await this.ensureListening();
    if (isNewChannel && this.listenClient) {
      await this.listenClient.query(`listen ${pg.escapeIdentifier(channel)}`);
    }
    return async () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      await this.listenClient?.query(`unlisten ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const client = this.listenClient;
    this.listenClient = undefined;
    await client?.end().catch(() => undefined);
    if (this.ownsPool) await this.pool.end();
  }

  private signature(fn: string): Promise<FunctionSignature> {
    let cached = this.signatures.get(fn);
    if (!cached) {
      assertFunctionName(fn);
      cached = this.pool.query<SignatureRow>(SIGNATURE_QUERY, [fn]).then((result) => toSignature(fn, result.rows));
      // Do not cache a failure (e.g. the database was down): the next call asks again.
      cached.catch(() => this.signatures.delete(fn));
      this.signatures.set(fn, cached);
    }
    return cached;
  }

  private ensureListening(attempt = 0): Promise<void> {
    if (this.listenClient) return Promise.resolve();
    this.listenConnecting ??= this.connectListener(attempt).finally(() => {
      this.listenConnecting = undefined;
    });
    return this.listenConnecting;
  }

  private scheduleReconnect(attempt: number): void {
    const delay = LISTEN_RETRY_MS[Math.min(attempt, LISTEN_RETRY_MS.length - 1)];
    setTimeout(() => {
      if (this.closed || this.listeners.size === 0 || this.listenClient) return;
      this.ensureListening(attempt + 1).catch((error: unknown) => {
        this.options.onListenError?.(error);
        this.scheduleReconnect(attempt + 1);
      });
    }, delay).unref?.();
  }

  // A dedicated connection (never a pooled one: LISTEN is session state). When it drops it
  // reconnects with backoff, listens again on every channel, and tells every listener '*'
  // since notifications sent meanwhile were missed.
  private async connectListener(attempt: number): Promise<void> {
    const client = new pg.Client(this.connectionConfig());
    client.on('notification', (message) => {
      for (const listener of this.listeners.get(message.channel) ?? []) listener(message.payload ?? '');
    });
    let dropped = false;
    const onDrop = (error: unknown) => {
      if (dropped) return;
      dropped = true;
      client.end().catch(() => undefined);
      if (this.listenClient !== client || this.closed) return;
      this.listenClient = undefined;
      this.options.onListenError?.(error);
      this.scheduleReconnect(0);
    };
    client.on('error', onDrop);
    client.on('end', () => onDrop(new Error('LISTEN connection closed')));
    try {
      await client.connect();
      for (const channel of this.listeners.keys()) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      dropped = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.listenClient = client;
    if (attempt > 0) {
      for (const set of this.listeners.values()) for (const listener of set) listener('*');
    }
  }

  private connectionConfig(): pg.ClientConfig {
    if (this.options.connectionString) return { connectionString: this.options.connectionString };
    return (this.pool as unknown as { options: pg.ClientConfig }).options;
  }
}

export function createPgTransport(options: PgTransportOptions): PgTransport {
  return new PgTransport(options);
}
