import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  adminListJobs,
  JOBS_CHANNEL,
  maintenanceMode,
  queueThroughput,
  type AdminJobFilter,
  type Job,
} from '@tessera/queue';
import { useEffect } from 'react';
import { appCache, TTL } from '../appCache';
import { useSession } from '../session/Session';

/** Keys of the dashboard's queries; all start with 'tessera-admin' so one invalidation refreshes them. */
export const adminKeys = {
  all: ['tessera-admin'] as const,
  stats: ['tessera-admin', 'stats'] as const,
  health: ['tessera-admin', 'health'] as const,
  throughput: ['tessera-admin', 'throughput'] as const,
  maintenance: ['tessera-admin', 'maintenance-mode'] as const,
  jobs: (filter: AdminJobFilter) => ['tessera-admin', 'jobs', filter] as const,
  job: (id: string) => ['tessera-admin', 'job', id] as const,
};

/** After an admin action: drop the dashboard's cached figures, then refetch everything. */
export function refreshDashboard(queryClient: ReturnType<typeof useQueryClient>): void {
  void appCache()
    .invalidate('admin:')
    .finally(() => queryClient.invalidateQueries({ queryKey: adminKeys.all }));
}

/** How often the dashboard refreshes when no notification arrives (admins see every user's jobs,
 * which per-user push channels do not carry). */
export const REFRESH_MS = 5_000;
export const PAGE_SIZE = 25;

export function useQueueStats() {
  const { client } = useSession();
  return useQuery({ queryKey: adminKeys.stats, queryFn: () => client.stats(), refetchInterval: REFRESH_MS });
}

export function useQueueHealth() {
  const { client } = useSession();
  return useQuery({ queryKey: adminKeys.health, queryFn: () => client.health(), refetchInterval: REFRESH_MS });
}

export function useThroughput() {
  const { transport, userId } = useSession();
  return useQuery({
    queryKey: adminKeys.throughput,
    // The last hour in 5-minute buckets changes slowly: cached (SHORT, this tab's memory: admin data
    // never goes to a shared cache the browser can read) and dropped on every admin action.
    queryFn: async () =>
      (
        await appCache().getOrSet(
          `admin:${userId}:throughput`,
          async () =>
            (await queueThroughput(transport, { since: new Date(Date.now() - 3_600_000), bucketSeconds: 300 })).map(
              (bucket) => ({ ...bucket, bucketStart: bucket.bucketStart.toISOString() }),
            ),
          TTL.SHORT,
        )
      ).map((bucket) => ({ ...bucket, bucketStart: new Date(bucket.bucketStart) })),
    refetchInterval: REFRESH_MS * 6,
  });
}

export function useMaintenanceMode() {
  const { transport } = useSession();
  return useQuery({ queryKey: adminKeys.maintenance, queryFn: () => maintenanceMode(transport) });
}

/** The filtered job list, one keyset page at a time (newest first). */
export function useAdminJobs(filter: AdminJobFilter) {
  const { transport } = useSession();
  return useInfiniteQuery({
    queryKey: adminKeys.jobs(filter),
    initialPageParam: undefined as { createdAt: Date; id: string } | undefined,
    queryFn: ({ pageParam }) => adminListJobs(transport, { ...filter, limit: PAGE_SIZE, before: pageParam }),
    getNextPageParam: (page: Job[]) => {
      const last = page.at(-1);
      return page.length === PAGE_SIZE && last ? { createdAt: last.createdAt, id: last.id } : undefined;
    },
    refetchInterval: REFRESH_MS,
  });
}

/** Refreshes the dashboard as soon as the database says jobs changed (LISTEN where available). */
export function useLiveAdminUpdates(): void {
  const { transport } = useSession();
  const queryClient = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Bursts of notifications (a bulk enqueue) become one refresh.
    const refresh = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: adminKeys.all });
      }, 250);
    };
    const subscribed = transport.subscribe(JOBS_CHANNEL, refresh).catch(() => undefined);
    return () => {
      if (timer) clearTimeout(timer);
      void subscribed.then((unsubscribe) => unsubscribe?.());
    };
  }, [transport, queryClient]);
}
