import type { ListFilter } from '@tessera/queue';

/**
 * TanStack Query keys of the queue's data. Everything starts with `'tessera'`, so one
 * `invalidateQueries({ queryKey: jobQueryKeys.all })` refreshes it all. Lists carry the user:
 * the same filter means other rows for another user (a shared QueryClient across sign-ins);
 * a job id is a uuid only its owner can read, so a single job's key needs none.
 */
export const jobQueryKeys = {
  all: ['tessera'] as const,
  job: (id: string) => ['tessera', 'job', id] as const,
  lists: ['tessera', 'jobs'] as const,
  jobs: (userId: string, filter: ListFilter = {}) => ['tessera', 'jobs', filter, userId] as const,
};
