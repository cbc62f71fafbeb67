import { useQuery, useQueryClient } from '@tanstack/react-query';
import { promoteJob } from '@tessera/queue';
import { useSession } from '../session/Session';
import { adminKeys, REFRESH_MS, refreshDashboard } from './adminQueries';
import { ConfirmButton } from './ConfirmButton';
import { formatJson, formatTime } from './format';
import { allowedActions, stateOf } from './jobState';

/** Everything about one job, its whole error history, and what can be done to it. */
export function JobDetail({ jobId, onClose, onDone }: { jobId: string; onClose: () => void; onDone: (message: string) => void }) {
  const { client, transport } = useSession();
  const queryClient = useQueryClient();
  const job = useQuery({ queryKey: adminKeys.job(jobId), queryFn: () => client.get(jobId), refetchInterval: REFRESH_MS });
  const done = (message: string) => {
    refreshDashboard(queryClient);
    onDone(message);
  };

  if (job.isPending) return <p aria-busy="true">Loading job…</p>;
  if (job.error) return <p role="alert">{job.error.message}</p>;
  const j = job.data;
  const can = allowedActions(j);
  return (
    <section aria-labelledby="admin-job-detail" className="admin-detail">
      <div className="inline">
        <h3 id="admin-job-detail">
          {j.jobType} job <code>{j.id}</code>
        </h3>
        <button type="button" onClick={onClose}>
          Close details
        </button>
      </div>
      <dl className="admin-fields">
        <dt>State</dt>
        <dd>{stateOf(j)}{j.cancelRequested ? ' (cancel requested)' : ''}</dd>
        <dt>User</dt>
        <dd><code>{j.userId ?? 'service role'}</code></dd>
        <dt>Priority</dt>
        <dd>{j.priority}</dd>
        <dt>Attempts</dt>
        <dd>{j.attempts} of {j.maxAttempts}</dd>
        <dt>Progress</dt>
        <dd><progress max={100} value={j.progress} aria-label="Progress" /> {j.progress} %</dd>
        <dt>Worker</dt>
        <dd>{j.lockedBy ?? '—'}{j.lockedUntil ? ` (lease until ${formatTime(j.lockedUntil)})` : ''}</dd>
        <dt>Job key</dt>
        <dd>{j.jobKey ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(j.createdAt)}</dd>
        <dt>Runs at</dt>
        <dd>{formatTime(j.runAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(j.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(j.completedAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(j.updatedAt)}</dd>
      </dl>
      <h4>Payload</h4>
      <pre aria-label="Payload">{formatJson(j.payload)}</pre>
      <h4>Result</h4>
      <pre aria-label="Result">{formatJson(j.result)}</pre>
      <h4>Errors ({j.errors.length})</h4>
      {j.errors.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ol aria-label="Error history">
          {j.errors.map((entry, index) => (
            <li key={index}>
              attempt {entry.attempt} · {formatTime(new Date(entry.at))}
              {entry.worker ? ` · ${entry.worker}` : ''}: <span className="error">{entry.message}</span>
            </li>
          ))}
        </ol>
      )}
      <div className="actions">
        <ConfirmButton
          label="Retry job"
          disabled={!can.retry}
          question={<p>Run this {j.jobType} job again from attempt 1? Its error history is kept.</p>}
          action={async () => (await client.retry(j.id), 'Job retried')}
          onDone={done}
        />
        <ConfirmButton
          label="Run job now"
          disabled={!can.runNow}
          question={<p>Run this delayed job now instead of at {formatTime(j.runAt)}?</p>}
          action={async () => (await promoteJob(transport, j.id), 'Job promoted')}
          onDone={done}
        />
        <ConfirmButton
          label="Cancel job"
          disabled={!can.cancel}
          question={<p>Cancel this job? A running job is asked to stop at its next heartbeat.</p>}
          action={async () => (await client.cancel(j.id), 'Job cancelled')}
          onDone={done}
        />
        <ConfirmButton
          label="Delete job"
          danger
          disabled={!can.remove}
          question={<p>Delete this job and its history? This cannot be undone.</p>}
          action={async () => (await client.delete(j.id), 'Job deleted')}
          onDone={(message) => {
            done(message);
            onClose();
          }}
        />
      </div>
    </section>
  );
}
