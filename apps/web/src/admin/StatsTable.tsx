import { useQueryClient } from '@tanstack/react-query';
import type { AdminJobState, QueueStats } from '@tessera/queue';
import { useSession } from '../session/Session';
import { adminKeys } from './adminQueries';
import { ConfirmButton } from './ConfirmButton';
import { formatDuration } from './format';

export const STATE_COLUMNS: readonly AdminJobState[] = ['pending', 'scheduled', 'processing', 'completed', 'failed', 'cancelled'];

interface StatsTableProps {
  stats: QueueStats[];
  /** Opens the job list filtered to a type and state. */
  onShowJobs: (jobType: string, state: AdminJobState) => void;
}

/** Jobs per type × state, the oldest waiting job per type, and pause/resume per type. */
export function StatsTable({ stats, onShowJobs }: StatsTableProps) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: adminKeys.all });
  if (stats.length === 0) return <p className="muted">No jobs yet.</p>;
  return (
    <table aria-label="Jobs per type and state">
      <thead>
        <tr>
          <th scope="col">Job type</th>
          {STATE_COLUMNS.map((state) => (
            <th scope="col" key={state}>
              {state}
            </th>
          ))}
          <th scope="col">Oldest waiting</th>
          <th scope="col">Claiming</th>
        </tr>
      </thead>
      <tbody>
        {stats.map((row) => (
          <tr key={row.jobType}>
            <th scope="row">{row.jobType}</th>
            {STATE_COLUMNS.map((state) => (
              <td key={state} className="admin-count">
                {row[state] > 0 ? (
                  <button
                    type="button"
                    className="link"
                    aria-label={`${row[state]} ${state} ${row.jobType} jobs`}
                    onClick={() => onShowJobs(row.jobType, state)}
                  >
                    {row[state].toLocaleString()}
                  </button>
                ) : (
                  <span className="muted">0</span>
                )}
              </td>
            ))}
            <td>{formatDuration(row.oldestPendingSeconds)}</td>
            <td>
              {row.paused ? (
                <ConfirmButton
                  label={`Resume ${row.jobType}`}
                  question={<p>Workers start claiming {row.jobType} jobs again.</p>}
                  action={async () => {
                    await client.resume(row.jobType);
                    return `${row.jobType} resumed`;
                  }}
                  onDone={refresh}
                />
              ) : (
                <ConfirmButton
                  label={`Pause ${row.jobType}`}
                  question={<p>Workers stop claiming {row.jobType} jobs; running jobs finish.</p>}
                  action={async () => {
                    await client.pause(row.jobType);
                    return `${row.jobType} paused`;
                  }}
                  onDone={refresh}
                />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
