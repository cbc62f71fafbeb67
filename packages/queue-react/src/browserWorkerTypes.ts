import type { ActiveJob, Processors } from '@tessera/queue';
import type { PushSource } from './PushSource';
import type { TabChannel } from './TabChannel';

/** 'paused': not running in this tab (`enabled: false`, or stopped). A follower tab is 'idle'. */
export type BrowserWorkerState = 'idle' | 'processing' | 'paused' | 'error';

export interface BrowserWorkerSnapshot {
  state: BrowserWorkerState;
  /** This tab runs the user's jobs; the other tabs of the user wait for its lock. */
  isLeader: boolean;
  /** A push channel is connected, so nothing polls. */
  pushConnected: boolean;
  activeJobs: readonly ActiveJob[];
  processed: number;
  failed: number;
  lastError: string | null;
}

export interface BrowserJobWorkerOptions {
  /** Whose tabs elect a leader together (lock `tessera-worker:<userId>`, channel `tessera:<userId>`). */
  userId: string;
  processors: Processors;
  /** Job types to claim (default: the keys of `processors`). */
  jobTypes?: readonly string[];
  concurrency?: number;
  /** Poll this often only while no push channel is connected (default 10 000; Infinity: never). */
  intervalMs?: number;
  /** Lease per claim (default 60 s): a job of a tab that closed mid-run returns after it. */
  leaseSeconds?: number;
  /** How long `stop()` lets running jobs finish before releasing them (default 5 000 ms). */
  graceMs?: number;
  /** Default: the transport's own subscribe (LISTEN, Realtime). `false`: none, always poll. */
  push?: PushSource | false;
  /** Default a new `TabChannel.forUser(userId)`; pass the tab's shared one to avoid hearing yourself. */
  channel?: TabChannel;
  /** Default `navigator.locks`; `null`: no Web Locks, this tab always leads. */
  locks?: LockManager | null;
  workerId?: string;
  onError?: (error: unknown) => void;
}
