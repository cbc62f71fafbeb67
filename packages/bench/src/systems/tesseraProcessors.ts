import { jobStarted } from './jobSink';

/** Loaded by tessera-worker with --processors: the bench's no-op job. */
export const processors = {
  noop: (job: { payload: unknown }) => {
    jobStarted(job.payload);
    return null;
  },
};
