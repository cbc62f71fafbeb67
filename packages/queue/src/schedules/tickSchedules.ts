import { errorMessage } from '../worker/errorMessage';
import { initJobSchedule, listJobSchedules, runScheduleSlot, type JobSchedule } from '../rpc/schedules';
import type { Transport } from '../transport';
import { nextSlot } from './cron';

/** What one tick did. */
export interface ScheduleTickOutcome {
  /** New, changed or re-enabled schedules whose next slot this tick stored (nothing ran for them). */
  initialized: string[];
  /** Slots this tick ran, each with its one job. */
  ran: Array<{ name: string; slot: Date; jobId: string }>;
  /** Due slots another ticker ran first (or that an admin changed meanwhile). */
  skipped: Array<{ name: string; slot: Date }>;
  /** Schedules that could not be ticked, and why; the others were. */
  errors: Array<{ name: string; error: string }>;
  /** The earliest next slot of an enabled schedule, as far as this tick knows: when to tick again. */
  nextDueAt: Date | null;
}

export interface TickSchedulesOptions {
  /** The clock the next slots are computed from (default: Date.now). */
  now?: () => Date;
}

/**
 * Ticks every enabled schedule once, as the service role. A schedule without a next slot gets
 * one (computed from now, nothing runs); a due slot runs through run_schedule_slot, which
 * enqueues exactly one job per slot however many tickers race. The slot after a due one is
 * computed from now, not from the due slot: slots missed while no worker ran collapse into the
 * one run now.
 */
export async function tickSchedules(transport: Transport, options: TickSchedulesOptions = {}): Promise<ScheduleTickOutcome> {
  const clock = options.now ?? (() => new Date());
  const outcome: ScheduleTickOutcome = { initialized: [], ran: [], skipped: [], errors: [], nextDueAt: null };
  const consider = (next: Date) => {
    if (!outcome.nextDueAt || next < outcome.nextDueAt) outcome.nextDueAt = next;
  };
  for (const schedule of await listJobSchedules(transport)) {
    if (!schedule.enabled) continue;
    try {
      const next = await tickOne(transport, schedule, clock(), outcome);
      if (next) consider(next);
    } catch (error) {
      outcome.errors.push({ name: schedule.name, error: errorMessage(error) });
    }
  }
  return outcome;
}

async function tickOne(
  transport: Transport,
  schedule: JobSchedule,
  now: Date,
  outcome: ScheduleTickOutcome,
): Promise<Date | null> {
  const { name, nextRunAt: slot } = schedule;
  if (slot && slot > now) return slot;
  // Due (or new): the next slot is the first after now, so it is always after the due one.
  const next = nextSlot(schedule.cron, schedule.timeZone, now);
  if (!next) throw new Error(`cron expression ${JSON.stringify(schedule.cron)} never fires again`);
  if (!slot) {
    if (await initJobSchedule(transport, schedule, next)) outcome.initialized.push(name);
    return next;
  }
  const job = await runScheduleSlot(transport, name, slot, next);
  if (job) outcome.ran.push({ name, slot, jobId: job.id });
  else outcome.skipped.push({ name, slot });
  return next;
}
