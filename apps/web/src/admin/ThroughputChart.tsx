import type { ThroughputBucket } from '@tessera/queue';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';

/** Failed share of the finished jobs (completed + failed), in percent; null when none finished. */
export function failureRate(buckets: readonly ThroughputBucket[]): number | null {
  const completed = buckets.reduce((sum, bucket) => sum + bucket.completed, 0);
  const failed = buckets.reduce((sum, bucket) => sum + bucket.failed, 0);
  return completed + failed === 0 ? null : (100 * failed) / (completed + failed);
}

const time = (date: Date) => date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Throughput and failure rate over the last hour, as a chart and as text (for screen readers). */
export function ThroughputChart({ buckets }: { buckets: readonly ThroughputBucket[] }) {
  const totals = {
    enqueued: buckets.reduce((sum, bucket) => sum + bucket.enqueued, 0),
    completed: buckets.reduce((sum, bucket) => sum + bucket.completed, 0),
    failed: buckets.reduce((sum, bucket) => sum + bucket.failed, 0),
  };
  const rate = failureRate(buckets);
  const data = buckets.map((bucket) => ({
    time: time(bucket.bucketStart),
    completed: bucket.completed,
    failed: bucket.failed,
    enqueued: bucket.enqueued,
    failureRate: bucket.completed + bucket.failed === 0 ? 0 : Math.round((100 * bucket.failed) / (bucket.completed + bucket.failed)),
  }));
  return (
    <figure className="admin-chart">
      <figcaption>
        Last hour: {totals.enqueued} enqueued, {totals.completed} completed, {totals.failed} failed
        {rate === null ? '' : ` (failure rate ${rate.toFixed(1)} %)`}
      </figcaption>
      <ComposedChart width={880} height={220} data={data} aria-hidden="true">
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="time" fontSize={12} />
        <YAxis yAxisId="jobs" allowDecimals={false} fontSize={12} />
        <YAxis yAxisId="rate" orientation="right" unit="%" domain={[0, 100]} fontSize={12} />
        <Tooltip />
        <Legend />
        <Bar yAxisId="jobs" dataKey="completed" stackId="done" fill="#12b76a" name="completed" />
        <Bar yAxisId="jobs" dataKey="failed" stackId="done" fill="#f04438" name="failed" />
        <Line yAxisId="jobs" dataKey="enqueued" stroke="#1570ef" dot={false} name="enqueued" />
        <Line yAxisId="rate" dataKey="failureRate" stroke="#b42318" strokeDasharray="4 2" dot={false} name="failure rate %" />
      </ComposedChart>
    </figure>
  );
}
