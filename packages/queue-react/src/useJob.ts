import { skipToken, useQuery } from '@tanstack/react-query';
import type { Job } from '@tessera/queue';
import { useEffect, useRef } from 'react';
import { jobQueryKeys } from './queryKeys';
import { useTessera } from './TesseraProvider';
import { useLatest } from './workerEvents';

/** Statuses a job does not leave by itself: completed, failed for good (retries are 'pending'), cancelled. */
export function isJobDone(job: Pick<Job, 'status'>): boolean {
  return job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled';
}

export interface UseJobOptions {
  /**
   * Called once when the job reaches a final state (completed, failed for good, cancelled), seen
   * in the query data: whichever worker ran it (this tab's, another tab's, a server worker).
   * Only a change it saw happen: a job already final when first loaded is history, not news.
   */
  onDone?: (job: Job) => void;
}

/**
 * One job, kept current by push (the worker, other tabs, Realtime) rather than by polling.
 * Pass null or undefined to wait for an id.
 */
export function useJob(id: string | null | undefined, { onDone }: UseJobOptions = {}) {
  const { client } = useTessera();
  const query = useQuery<Job>({
    queryKey: jobQueryKeys.job(id ?? ''),
    queryFn: id ? () => client.get(id) : skipToken,
  });
  const latestOnDone = useLatest(onDone);
  // The job this hook last saw, and whether onDone already fired for it.
  const seen = useRef<{ id: string; done: boolean; fired: boolean } | null>(null);
  const job = query.data;
  useEffect(() => {
    if (!job || job.id !== id) return;
    const previous = seen.current?.id === job.id ? seen.current : null;
    const done = isJobDone(job);
    const fire = done && previous !== null && !previous.done && !previous.fired;
    seen.current = { id: job.id, done, fired: (previous?.fired ?? false) || fire };
    if (fire) latestOnDone.current?.(job);
  }, [id, job, latestOnDone]);
  return query;
}
