import { errorMessage, ScheduleTicker, type ScheduleTickOutcome, type Transport } from '@tessera/queue';
import type { Logger } from './logger';

export interface ScheduleTickerSettings {
  /** Tick at least this often, to see new and changed schedules (default 5 000 ms). */
  intervalMs?: number;
  /** Told what each tick did, after it is logged. */
  onTick?: (outcome: ScheduleTickOutcome) => void;
}

/**
 * Ticks the recurring schedules (job_schedules, 0020) in this worker: at start, at each next
 * slot, and every `intervalMs` to see new and changed schedules. Every worker may run one:
 * run_schedule_slot gives each slot exactly one job however many tick.
 */
export function startScheduleTicker(transport: Transport, log: Logger, settings: ScheduleTickerSettings = {}): ScheduleTicker {
  const ticker = new ScheduleTicker({
    transport,
    intervalMs: settings.intervalMs ?? 5_000,
    onTick: (outcome) => {
      for (const run of outcome.ran) {
        log.info({ schedule: run.name, slot: run.slot.toISOString(), jobId: run.jobId }, 'schedule ran');
      }
      for (const problem of outcome.errors) log.warn({ schedule: problem.name, err: problem.error }, 'schedule not ticked');
      settings.onTick?.(outcome);
    },
    onError: (error) => log.warn({ err: errorMessage(error) }, 'schedule tick failed (it retries)'),
  });
  ticker.start();
  return ticker;
}
