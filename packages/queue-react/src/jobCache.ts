import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Job } from '@tessera/queue';
import type { JobChange } from './BrowserJobWorker';
import type { PushSource } from './PushSource';
import type { TabChannel } from './TabChannel';
import type { TabWorkers } from './TabWorkers';
import { jobQueryKeys } from './queryKeys';

export interface JobChangeSources {
  channel: TabChannel;
  workers: TabWorkers;
  push: PushSource | null;
  /** Every change to the user's jobs, where the transport has that feed (Supabase Realtime):
   * how a job finished by a server worker reaches the page. */
  changes?: PushSource | null;
}

const isJobQuery = (key: QueryKey) => key[0] === jobQueryKeys.all[0] && (key[1] === 'job' || key[1] === 'jobs');

/**
 * Keeps the tab's job queries current without polling: this tab's worker reports its jobs, the
 * leader in another tab reports over the TabChannel, and a push (Realtime, LISTEN) refetches.
 * A job that started or finished is refetched; a progress step is written into the cache instead
 * (it comes often, and reaches the database only with the next heartbeat). Returns a stop function.
 */
export function followJobChanges(sources: JobChangeSources, queryClient: QueryClient): () => void {
  // Progress heard for running jobs, ahead of the database's: a refetch must not take it back.
  const live = new Map<string, number>();

  const withLiveProgress = (job: Job, startsRunning = false): Job => {
    const progress = live.get(job.id);
    if (progress === undefined || job.progress >= progress) return job;
    if (job.status === 'processing' || (startsRunning && job.status === 'pending')) {
      return { ...job, status: 'processing', progress };
    }
    return job;
  };

  // Returning undefined leaves a query untouched (no update event, so no loop with the listener below).
  const patch = (key: QueryKey, startsRunning: boolean) => {
    queryClient.setQueriesData<Job | Job[]>({ queryKey: key }, (data) => {
      if (Array.isArray(data)) {
        const next = data.map((job) => withLiveProgress(job, startsRunning));
        return next.some((job, index) => job !== data[index]) ? next : undefined;
      }
      const next = data && withLiveProgress(data, startsRunning);
      return next !== data ? next : undefined;
    });
  };

  const apply = (change: JobChange) => {
    if (change.progress === undefined) {
      live.delete(change.id);
      void queryClient.invalidateQueries({ queryKey: jobQueryKeys.job(change.id) });
      void queryClient.invalidateQueries({ queryKey: jobQueryKeys.lists });
      return;
    }
    live.set(change.id, change.progress);
    patch(jobQueryKeys.job(change.id), true);
    patch(jobQueryKeys.lists, true);
  };

  // Re-apply live progress to whatever a fetch brings back (mount, focus, invalidation).
  const stopCache = queryClient.getQueryCache().subscribe((event) => {
    if (live.size === 0 || event.type !== 'updated' || event.action.type !== 'success') return;
    if (isJobQuery(event.query.queryKey)) patch(event.query.queryKey, false);
  });
  const stopChannel = sources.channel.subscribe((message) => {
    if (message.type === 'job-changed') apply(message);
  });
  const stopWorkers = sources.workers.onJobChange(apply);
  const stopPush = sources.push?.subscribe(
    () => void queryClient.invalidateQueries({ queryKey: jobQueryKeys.all }),
    () => {},
  );
  const stopChanges = sources.changes?.subscribe((payload) => {
    let id: unknown;
    try {
      id = payload === '*' ? undefined : (JSON.parse(payload) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id === 'string') apply({ id } as JobChange);
    else void queryClient.invalidateQueries({ queryKey: jobQueryKeys.all });
  }, () => {});
  return () => {
    stopCache();
    stopChannel();
    stopWorkers();
    void stopPush?.();
    void stopChanges?.();
  };
}
