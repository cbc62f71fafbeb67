import { useQuery } from '@tanstack/react-query';
import type { Job, JobWaitReason as WaitReason } from '@tessera/queue';
import { useSession } from '../session/Session';

/** While a job waits, job_wait_reason is asked again this often (live workers come and go). */
const RECHECK_MS = 10_000;

function describe(reason: WaitReason, attempts: number): string {
  if (reason.code === 'scheduled') {
    return `${attempts > 0 ? 'Retries' : 'Runs'} at ${reason.runAt.toLocaleString()}`;
  }
  return reason.message.charAt(0).toUpperCase() + reason.message.slice(1);
}

/**
 * What happens next to one of the user's own pending jobs ("Waiting for your browser or the
 * server worker"), from job_wait_reason (0019). Nothing for other states, nor for other users'
 * jobs (an admin's list holds everyone's; the reason is for the owner only).
 */
export function JobWaitReason({ job }: { job: Job }) {
  const { client, userId } = useSession();
  const waiting = job.status === 'pending' && job.userId === userId;
  const reason = useQuery({
    // The job's status and attempts in the key: a new attempt is a new question.
    queryKey: ['tessera-wait-reason', job.id, job.status, job.attempts],
    queryFn: () => client.waitReason(job.id),
    enabled: waiting,
    refetchInterval: waiting ? RECHECK_MS : false,
  });
  if (!waiting || !reason.data || reason.data.status !== 'pending') return null;
  return (
    <p className={`muted wait-reason wait-reason-${reason.data.code}`} data-testid="wait-reason">
      {describe(reason.data, job.attempts)}
    </p>
  );
}
