/** The Web Lock one tab per user holds while it runs the worker. */
export function leaderLockName(userId: string): string {
  return `tessera-worker:${userId}`;
}

export interface LeaderLockOptions {
  /** Default `navigator.locks`. `null` (or a browser without Web Locks, e.g. jsdom): this tab always leads. */
  locks?: LockManager | null;
}

function defaultLocks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

/**
 * Leadership among the tabs of one user: an exclusive Web Lock, held until released. The browser
 * releases it when the tab closes, so the next tab waiting in line becomes the leader by itself.
 */
export class LeaderLock {
  private readonly locks: LockManager | null;

  constructor(
    readonly name: string,
    options: LeaderLockOptions = {},
  ) {
    this.locks = options.locks === undefined ? defaultLocks() : options.locks;
  }

  /**
   * Queues for the lock. `onChange(true)` once it is held; `onChange(false)` if another tab steals
   * it (this tab then queues again). Without Web Locks `onChange(true)` is called at once.
   * Returns `release`: gives the lock up, or leaves the queue if it was not granted yet.
   */
  acquire(onChange: (isLeader: boolean) => void): () => void {
    const locks = this.locks;
    if (!locks) {
      onChange(true);
      return () => {};
    }
    const abort = new AbortController();
    let released = false;
    let letGo: () => void = () => {};
    const held = new Promise<void>((resolve) => (letGo = resolve));

    const request = (): void => {
      let granted = false;
      locks
        .request(this.name, { mode: 'exclusive', signal: abort.signal }, () => {
          if (released) return undefined; // granted in the same turn as the release: hand it on
          granted = true;
          onChange(true);
          return held;
        })
        .then(
          () => {},
          () => {
            if (released) return; // AbortError from our own release: expected
            if (granted) {
              onChange(false); // stolen by another tab: follow, and queue again
              request();
            } else {
              onChange(true); // Web Locks refused us (e.g. a sandboxed frame): lead, as without them
            }
          },
        );
    };
    request();

    return () => {
      if (released) return;
      released = true;
      abort.abort();
      letGo();
    };
  }
}
