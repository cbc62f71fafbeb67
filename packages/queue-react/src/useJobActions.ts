import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Job } from '@tessera/queue';
import { jobQueryKeys } from './queryKeys';
import { useTessera } from './TesseraProvider';

/** Retry (failed or cancelled → queued again) and cancel, for `<JobStatus onRetry onCancel>`. */
export function useJobActions() {
  const { client, channel, workers } = useTessera();
  const queryClient = useQueryClient();
  const changed = (job: Job) => {
    queryClient.setQueryData(jobQueryKeys.job(job.id), job);
    void queryClient.invalidateQueries({ queryKey: jobQueryKeys.lists });
    channel.post({ type: 'job-changed', id: job.id });
  };
  const retry = useMutation<Job, Error, string>({
    mutationFn: (jobId) => client.retry(jobId),
    onSuccess: (job) => {
      changed(job);
      workers.wake(); // it is queued again: run it now, not at the next poll
      channel.post({ type: 'enqueued', jobType: job.jobType });
    },
  });
  // A running job stops at its worker's next heartbeat, which reports the cancel request.
  const cancel = useMutation<Job, Error, string>({
    mutationFn: (jobId) => client.cancel(jobId),
    onSuccess: changed,
  });
  return { retry, cancel };
}
