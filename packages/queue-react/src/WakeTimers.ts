/** setTimeout fires at once for longer delays, so none of ours is longer. */
const MAX_TIMER_MS = 2_147_483_647;
/** Sleep at most a day before asking again (clock changes, a tab left open for days). */
const MAX_SLEEP_MS = 24 * 3_600_000;
/** Claims compare run_at with the database's now(): arrive just after it, not just before. */
const RUN_AT_SLACK_MS = 25;
const DUE_RETRY_MS = 1_000;
const DUE_RETRY_MAX_MS = 5 * 60_000;

/**
 * The timers that wake the leader when nothing pushes: the poll, every `intervalMs` and only while
 * no push channel is connected; one alarm at the next delayed job's `run_at`; and one when the
 * leases of jobs a closed tab was running end.
 */
export class WakeTimers {
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private alarm: ReturnType<typeof setTimeout> | undefined;
  private leaseAlarm: ReturnType<typeof setTimeout> | undefined;
  private dueMisses = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly wake: () => void,
  ) {}

  setPolling(poll: boolean): void {
    const canPoll = Number.isFinite(this.intervalMs) && this.intervalMs > 0;
    if (poll && canPoll && this.pollTimer === undefined) {
      this.pollTimer = setInterval(this.wake, Math.min(this.intervalMs, MAX_TIMER_MS));
    } else if (!poll && this.pollTimer !== undefined) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  /** Sets the one alarm (replacing the last) for `runAt`; `null`: nothing is scheduled, no alarm. */
  wakeAt(runAt: Date | null): void {
    clearTimeout(this.alarm);
    this.alarm = undefined;
    if (!runAt) {
      this.dueMisses = 0;
      return;
    }
    let delay = runAt.getTime() - Date.now();
    if (delay > 0) {
      this.dueMisses = 0;
      delay = Math.min(delay + RUN_AT_SLACK_MS, MAX_SLEEP_MS);
    } else {
      // Due, yet the claim just left it: its type is paused, or this clock runs ahead of the
      // database's. Ask again later, backing off, rather than spin.
      delay = Math.min(DUE_RETRY_MS * 2 ** Math.min(this.dueMisses, 16), DUE_RETRY_MAX_MS);
      this.dueMisses += 1;
    }
    this.alarm = setTimeout(() => {
      this.alarm = undefined;
      this.wake();
    }, delay);
  }

  /** One more alarm, apart from the run_at one: when a lease no live tab may hold ends. */
  wakeWhenLeaseEnds(lockedUntil: Date, then?: () => void): void {
    clearTimeout(this.leaseAlarm);
    const delay = Math.max(0, lockedUntil.getTime() - Date.now()) + RUN_AT_SLACK_MS;
    this.leaseAlarm = setTimeout(
      () => {
        this.leaseAlarm = undefined;
        this.wake();
        then?.();
      },
      Math.min(delay, MAX_SLEEP_MS),
    );
  }

  clear(): void {
    this.setPolling(false);
    clearTimeout(this.alarm);
    clearTimeout(this.leaseAlarm);
    this.alarm = this.leaseAlarm = undefined;
    this.dueMisses = 0;
  }
}
