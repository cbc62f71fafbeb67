import type { ActiveJob } from '@tessera/queue';

/** A job this tab's worker started, finished or moved: refetch it; with `progress`, only that moved. */
export interface JobChange {
  id: string;
  progress?: number;
}

/** What changed between two snapshots of the jobs a worker runs. */
export function jobChanges(before: readonly ActiveJob[], after: readonly ActiveJob[]): JobChange[] {
  const changes: JobChange[] = [];
  const previous = new Map(before.map((job) => [job.id, job.progress]));
  for (const job of after) {
    const progress = previous.get(job.id);
    previous.delete(job.id);
    if (progress === undefined) {
      changes.push({ id: job.id }); // started
      // A processor may report progress before its first await: a new job may have some already.
      if (job.progress > 0) changes.push({ id: job.id, progress: job.progress });
    } else if (progress !== job.progress) {
      changes.push({ id: job.id, progress: job.progress });
    }
  }
  for (const id of previous.keys()) changes.push({ id }); // finished: completed, failed or released
  return changes;
}
