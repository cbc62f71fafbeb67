import type { QueueHarness } from '../support/harness';

/** The suite's view of the database under test; set by describeQueueContract's beforeAll. */
export interface ContractContext {
  h: QueueHarness;
}

export type ContractSection = (ctx: ContractContext) => void;

export async function countJobs(h: QueueHarness): Promise<number> {
  const [row] = await h.sql<{ n: number }>('select count(*)::int as n from public.job_queue');
  return row?.n ?? -1;
}

/** Moves a job's lease into the past, as if its worker died `seconds` ago. */
export async function expireLease(h: QueueHarness, jobId: string, seconds = 5): Promise<void> {
  await h.sql(`update public.job_queue set locked_until = now() - make_interval(secs => $2) where id = $1`, [
    jobId,
    seconds,
  ]);
}

/** Makes a job due now (skips its backoff wait). */
export async function makeDue(h: QueueHarness, jobId: string): Promise<void> {
  await h.sql('update public.job_queue set run_at = now() where id = $1', [jobId]);
}
