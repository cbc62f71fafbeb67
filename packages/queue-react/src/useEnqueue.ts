import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EnqueueInput, Job, JobPayload } from '@tessera/queue';
import { jobQueryKeys } from './queryKeys';
import { useTessera } from './TesseraProvider';

/**
 * Enqueues a job, then wakes the worker at once instead of waiting for a poll: this tab's worker
 * directly, the leader in another tab over the TabChannel.
 */
export function useEnqueue<P extends JobPayload = JobPayload>() {
  const { client, channel, workers } = useTessera();
  const queryClient = useQueryClient();
  return useMutation<Job<P>, Error, EnqueueInput>({
    mutationFn: (input) => client.enqueue<P>(input),
    onSuccess: (job) => {
      workers.wake();
      channel.post({ type: 'enqueued', jobType: job.jobType });
      queryClient.setQueryData(jobQueryKeys.job(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobQueryKeys.lists });
    },
  });
}
