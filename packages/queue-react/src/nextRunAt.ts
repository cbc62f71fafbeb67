import { QueueError, toQueueError, type Transport } from '@tessera/queue';

/**
 * next_run_at: when the caller's earliest pending job of these types is due (null: none pending).
 * The browser worker sets one timer for it instead of polling for delayed and backed-off jobs.
 */
export async function nextRunAt(transport: Transport, jobTypes?: readonly string[]): Promise<Date | null> {
  let value: unknown;
  try {
    value = await transport.rpc('next_run_at', { p_job_types: jobTypes ? [...jobTypes] : null });
  } catch (error) {
    throw toQueueError(error);
  }
  if (value === null || value === undefined) return null;
  const runAt = typeof value === 'string' ? new Date(value) : null;
  if (!runAt || Number.isNaN(runAt.getTime())) {
    throw new QueueError(`next_run_at returned ${JSON.stringify(value)}, expected a timestamp or null`);
  }
  return runAt;
}
