import type { Job } from '@tessera/queue';

interface JobTableProps {
  jobs: readonly Job[];
  onRetry(id: string): void;
  onCancel(id: string): void;
}

const LABELS: Record<Job['status'], string> = {
  pending: 'queued',
  processing: 'processing',
  completed: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function JobTable({ jobs, onRetry, onCancel }: JobTableProps) {
  if (jobs.length === 0) return <p className="muted">No jobs yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>job</th><th>status</th><th>progress</th><th>attempts</th><th>details</th><th />
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id} data-status={job.status}>
            <td title={job.id}>{job.jobType}</td>
            <td>{LABELS[job.status]}</td>
            <td>
              <progress max={100} value={job.progress} aria-label={`progress ${job.progress}%`} />
            </td>
            <td>
              {job.attempts}/{job.maxAttempts}
            </td>
            <td>
              {job.status === 'pending' && job.errorMessage && (
                <span className="error">
                  {job.errorMessage} · retrying at {job.runAt.toLocaleTimeString()}
                </span>
              )}
              {job.status === 'failed' && <span className="error">{job.errorMessage}</span>}
              {job.status === 'completed' && <code>{JSON.stringify(job.result)}</code>}
            </td>
            <td>
              {(job.status === 'failed' || job.status === 'cancelled') && (
                <button onClick={() => onRetry(job.id)}>Retry</button>
              )}
              {(job.status === 'pending' || job.status === 'processing') && (
                <button onClick={() => onCancel(job.id)}>Cancel</button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
