import { z } from 'zod';
import type { Transport } from '../transport';
import { callRpc, parseInput } from './call';

/** Expired leases → pending (or failed after max_attempts). Returns how many jobs moved. */
export async function requeueStalled(transport: Transport): Promise<number> {
  return z.number().parse(await callRpc(transport, 'requeue_stalled'));
}

/** Deletes finished jobs older than `olderThanSeconds` (default 7 days). Returns how many. */
export async function cleanupJobs(transport: Transport, olderThanSeconds = 7 * 86_400): Promise<number> {
  const seconds = parseInput(() => z.number().min(0, 'olderThanSeconds must be ≥ 0').parse(olderThanSeconds));
  return z.number().parse(await callRpc(transport, 'cleanup_jobs', { p_older_than: `${seconds} seconds` }));
}
