import type { Job, JobPayload } from '../types';

export interface JobContext {
  /** Aborts when the job is cancelled, its lease is lost, or the worker stops past its grace. */
  signal: AbortSignal;
  /** Reports progress 0–100; sent with the next heartbeat (throttled). */
  progress(percent: number): void;
  workerId: string;
}

/** Processors know nothing of the queue: a job in, a JSON result out (or a thrown error). */
export type Processor<P extends JobPayload = JobPayload, R = unknown> = (job: Job<P>, ctx: JobContext) => Promise<R> | R;

export type Processors = Record<string, Processor<never>>;

export type WorkerState = 'idle' | 'processing' | 'paused' | 'error' | 'stopped';

export interface ActiveJob {
  id: string;
  jobType: string;
  attempt: number;
  progress: number;
  startedAt: Date;
}

/** What the worker is doing; replaced (never mutated) on each change, for useSyncExternalStore. */
export interface WorkerSnapshot {
  state: WorkerState;
  activeJobs: readonly ActiveJob[];
  processed: number;
  failed: number;
  lastError: string | null;
}

export interface JobWorkerOptions {
  processors: Processors;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Poll when nothing wakes the worker (default 10 000 ms). */
  intervalMs?: number;
  /** Lease per claim and heartbeat (default 300 s); a dead worker's jobs return after it. */
  leaseSeconds?: number;
  /** Heartbeat period (default a third of the lease). */
  heartbeatMs?: number;
  /** Listen for enqueue notifications on the transport (default true). */
  listen?: boolean;
  workerId?: string;
  /** Job types to claim (default: the keys of `processors`). */
  jobTypes?: string[];
  /** Called with errors the loop survives (claim failed, heartbeat failed, ...). */
  onError?: (error: unknown) => void;
}
