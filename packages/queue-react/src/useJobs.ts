import { useQuery } from '@tanstack/react-query';
import type { Job, ListFilter } from '@tessera/queue';
import { jobQueryKeys } from './queryKeys';
import { useTessera } from './TesseraProvider';

/** The user's jobs, newest first (admins: everyone's), kept current by push rather than polling. */
export function useJobs(filter: ListFilter = {}) {
  const { client, userId } = useTessera();
  return useQuery<Job[]>({
    queryKey: jobQueryKeys.jobs(userId, filter),
    queryFn: () => client.list(filter),
  });
}
