import type { AdminJobState, Job } from '@tessera/queue';

/** A job's state as the dashboard names it: pending jobs due later are "scheduled". */
export function stateOf(job: Job, now = Date.now()): AdminJobState {
  return job.status === 'pending' && job.runAt.getTime() > now ? 'scheduled' : job.status;
}

/** What an admin can do to a job in this state (the database checks again). */
export function allowedActions(job: Job, now = Date.now()) {
  const state = stateOf(job, now);
  return {
    retry: state === 'failed' || state === 'cancelled',
    cancel: state === 'pending' || state === 'scheduled' || (state === 'processing' && !job.cancelRequested),
    remove: state !== 'processing',
    runNow: state === 'scheduled',
  };
}
