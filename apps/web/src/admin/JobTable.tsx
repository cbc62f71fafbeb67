import type { Job } from '@tessera/queue';
import { formatTime } from './format';
import { stateOf } from './jobState';

interface JobTableProps {
  jobs: Job[];
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
  onOpen: (id: string) => void;
}

/** The listed jobs with a checkbox each (bulk actions) and a link to their detail. */
export function JobTable({ jobs, selected, onToggle, onToggleAll, onOpen }: JobTableProps) {
  const allSelected = jobs.length > 0 && jobs.every((job) => selected.has(job.id));
  return (
    <table aria-label="Jobs">
      <thead>
        <tr>
          <th scope="col">
            <input
              type="checkbox"
              aria-label="Select every listed job"
              checked={allSelected}
              onChange={(event) => onToggleAll(event.target.checked)}
            />
          </th>
          <th scope="col">Job</th>
          <th scope="col">State</th>
          <th scope="col">User</th>
          <th scope="col">Attempts</th>
          <th scope="col">Created</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id} aria-selected={selected.has(job.id)}>
            <td>
              <input
                type="checkbox"
                aria-label={`Select ${job.jobType} job ${job.id}`}
                checked={selected.has(job.id)}
                onChange={(event) => onToggle(job.id, event.target.checked)}
              />
            </td>
            <td>
              <button type="button" className="link" onClick={() => onOpen(job.id)} aria-label={`Details of ${job.jobType} job ${job.id}`}>
                {job.jobType} <code>{job.id.slice(0, 8)}</code>
              </button>
            </td>
            <td>
              <span className={`admin-state admin-state-${stateOf(job)}`}>{stateOf(job)}</span>
            </td>
            <td>
              <code>{job.userId ? job.userId.slice(0, 8) : 'service'}</code>
            </td>
            <td>
              {job.attempts}/{job.maxAttempts}
            </td>
            <td>{formatTime(job.createdAt)}</td>
            <td className="admin-error-cell">{job.errorMessage ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
