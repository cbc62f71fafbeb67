import { skipToken, useQuery } from '@tanstack/react-query';
import type { Job } from '@tessera/queue';
import { jobQueryKeys } from './queryKeys';
import { useTessera } from './TesseraProvider';

/**
 * One job, kept current by push (the worker, other tabs, Realtime) rather than by polling.
 * Pass null or undefined to wait for an id.
 */
export function useJob(id: string | null | undefined) {
  const { client } = useTessera();
  return useQuery<Job>({
    queryKey: jobQueryKeys.job(id ?? ''),
    queryFn: id ? () => client.get(id) : skipToken,
  });
}
