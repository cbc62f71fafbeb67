import type { AdminJobState } from '@tessera/queue';
import { useQueueHealth, useQueueStats, useThroughput } from './adminQueries';
import { formatDuration } from './format';
import { HealthAlerts } from './HealthAlerts';
import { StatsTable } from './StatsTable';
import { ThroughputChart } from './ThroughputChart';

/** Counts per type × state, health alerts, and the last hour's throughput. */
export function OverviewPanel({ onShowJobs }: { onShowJobs: (jobType: string, state: AdminJobState) => void }) {
  const stats = useQueueStats();
  const health = useQueueHealth();
  const throughput = useThroughput();
  const oldest = Math.max(0, ...(stats.data ?? []).map((row) => row.oldestPendingSeconds ?? 0));
  return (
    <section aria-labelledby="admin-overview">
      <h2 id="admin-overview">Overview</h2>
      {health.data && <HealthAlerts health={health.data} />}
      {health.error && <p role="alert">Health: {health.error.message}</p>}
      {stats.isPending && <p aria-busy="true">Loading counts…</p>}
      {stats.error && <p role="alert">Counts: {stats.error.message}</p>}
      {stats.data && (
        <>
          <p>
            Oldest waiting job: <strong data-testid="oldest-waiting">{stats.data.length ? formatDuration(oldest) : '—'}</strong>
          </p>
          <StatsTable stats={stats.data} onShowJobs={onShowJobs} />
        </>
      )}
      {throughput.data && <ThroughputChart buckets={throughput.data} />}
      {throughput.error && <p role="alert">Throughput: {throughput.error.message}</p>}
    </section>
  );
}
