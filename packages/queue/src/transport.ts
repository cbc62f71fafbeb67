/** Arguments of a database function, by parameter name (`p_job_id`, ...). `undefined` = use its default. */
export type RpcArgs = Record<string, unknown>;

export type Unsubscribe = () => Promise<void>;

/**
 * How clients reach the queue: call a SQL function by name, and be told of changes.
 * `rpc` resolves with what PostgREST would return: an array for set-returning functions,
 * an object for a single row, the value for a scalar. It rejects with the database's error
 * (mapped to typed errors by the rpc layer).
 */
export interface Transport {
  rpc(fn: string, args?: RpcArgs): Promise<unknown>;
  /** Calls `listener` with each notification's payload on `channel` until unsubscribed. */
  subscribe(channel: string, listener: (payload: string) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** The channel the enqueue trigger notifies (payload: the job type, or `*`). */
export const JOBS_CHANNEL = 'tessera_jobs';

/**
 * Every change to the caller's jobs (payload: JSON `{"id","status","job_type"}`, or `*` when
 * changes may have been missed), where the transport has such a feed: Supabase Realtime does
 * (0010's broadcast trigger); plain LISTEN has no publisher for it. UIs use it to refresh a job
 * that a server worker finished; workers use JOBS_CHANNEL to wake.
 */
export const JOB_CHANGES_CHANNEL = 'tessera_job_changes';

/** JWT claims as Supabase puts them in `request.jwt.claims`. */
export interface JwtClaims {
  sub?: string;
  role?: 'anon' | 'authenticated' | 'service_role';
  app_metadata?: Record<string, unknown>;
  [claim: string]: unknown;
}
