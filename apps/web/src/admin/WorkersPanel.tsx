import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueueWorker } from '@tessera/queue';
import { useSession } from '../session/Session';
import { adminKeys, REFRESH_MS, refreshDashboard } from './adminQueries';
import { ConfirmButton } from './ConfirmButton';
import { formatDuration, formatTime } from './format';

/** Under the dashboard's common key prefix, so every admin action and notification refreshes it. */
export const workersKey = [...adminKeys.all, 'workers'] as const;

function useWorkers() {
  const { client } = useSession();
  return useQuery({ queryKey: workersKey, queryFn: () => client.workers(), refetchInterval: REFRESH_MS });
}

const secondsAgo = (date: Date) => Math.max(0, (Date.now() - date.getTime()) / 1000);

/** list_workers(): the browser, Node and Edge workers seen in the last hour, alive or not. */
export function WorkersPanel({ onMessage }: { onMessage: (message: string) => void }) {
  const workers = useWorkers();
  const alive = workers.data?.filter((worker) => worker.alive).length ?? 0;
  return (
    <section aria-labelledby="admin-workers">
      <h2 id="admin-workers">Workers</h2>
      {workers.isPending && <p aria-busy="true">Loading workers…</p>}
      {workers.error && <p role="alert">Workers: {workers.error.message}</p>}
      {workers.data && workers.data.length === 0 && (
        <p className="muted">No worker reported in the last hour: jobs wait until a browser or a Node worker runs.</p>
      )}
      {workers.data && workers.data.length > 0 && (
        <>
          <p>
            {alive} of {workers.data.length} seen in the last hour {alive === 1 ? 'is' : 'are'} alive (reported within 2 minutes).
          </p>
          <WorkersTable workers={workers.data} onMessage={onMessage} />
        </>
      )}
    </section>
  );
}

function WorkersTable({ workers, onMessage }: { workers: QueueWorker[]; onMessage: (message: string) => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  return (
    <table aria-label="Workers">
      <thead>
        <tr>
          <th scope="col">Worker</th>
          <th scope="col">Kind</th>
          <th scope="col">User</th>
          <th scope="col">Version</th>
          <th scope="col">Job types</th>
          <th scope="col">Started</th>
          <th scope="col">Last seen</th>
          <th scope="col">Alive</th>
          <th scope="col">Running</th>
          <th scope="col">Processed</th>
          <th scope="col">Failed</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((worker) => (
          <tr key={worker.workerId}>
            <th scope="row">{worker.workerId}</th>
            <td>{worker.kind}</td>
            <td>{worker.userId ?? <span className="muted">server</span>}</td>
            <td>{worker.version ?? '—'}</td>
            <td>{worker.jobTypes?.join(', ') ?? <span className="muted">any</span>}</td>
            <td>{formatTime(worker.startedAt)}</td>
            <td title={formatTime(worker.lastSeenAt)}>{formatDuration(secondsAgo(worker.lastSeenAt))} ago</td>
            <td>
              {worker.alive ? (
                <span className="admin-state admin-state-completed">alive</span>
              ) : (
                <span className="admin-state admin-state-failed">{worker.stoppedAt ? 'stopped' : 'silent'}</span>
              )}
            </td>
            <td className="admin-count">{worker.running}</td>
            <td className="admin-count">{worker.processed.toLocaleString()}</td>
            <td className="admin-count">{worker.failed.toLocaleString()}</td>
            <td>
              {!worker.alive && (
                <ConfirmButton
                  label={`Forget ${worker.workerId}`}
                  question={<p>Remove this worker from the list? If it runs again, its next report adds it back.</p>}
                  action={async () => {
                    await client.forgetWorker(worker.workerId);
                    return `worker ${worker.workerId} forgotten`;
                  }}
                  onDone={(message) => {
                    refreshDashboard(queryClient);
                    onMessage(message);
                  }}
                />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
