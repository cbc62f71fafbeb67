import { useQueryClient } from '@tanstack/react-query';
import { cancelJobs, deleteJobs, promoteJobs, retryJobs, type AdminJobFilter, type BulkTarget } from '@tessera/queue';
import { useSession } from '../session/Session';
import { refreshDashboard } from './adminQueries';
import { ConfirmButton } from './ConfirmButton';

const ACTIONS = [
  { label: 'Retry', run: retryJobs, past: 'retried', note: 'Only failed and cancelled jobs are retried.' },
  { label: 'Cancel', run: cancelJobs, past: 'cancelled', note: 'Running jobs are asked to stop at their next heartbeat.' },
  { label: 'Delete', run: deleteJobs, past: 'deleted', note: 'Running jobs are kept. This cannot be undone.' },
  { label: 'Run now', run: promoteJobs, past: 'promoted', note: 'Only delayed (scheduled) jobs are affected.' },
] as const;

export function describeFilter(filter: AdminJobFilter): string {
  const parts = [
    filter.states && `state ${filter.states.join(' or ')}`,
    filter.jobType && `type ${filter.jobType}`,
    filter.userId && `user ${filter.userId}`,
    filter.errorContains && `error containing “${filter.errorContains}”`,
  ].filter(Boolean);
  return parts.join(', ');
}

interface BulkActionsProps {
  selectedIds: readonly string[];
  filter: AdminJobFilter;
  onDone: (message: string) => void;
}

/** The four actions for the selected jobs, and for every job matching the filter. */
export function BulkActions({ selectedIds, filter, onDone }: BulkActionsProps) {
  const { transport } = useSession();
  const queryClient = useQueryClient();
  const filterText = describeFilter(filter);
  const done = (message: string) => {
    refreshDashboard(queryClient);
    onDone(message);
  };
  const run = async (action: (typeof ACTIONS)[number], target: BulkTarget) => {
    const count = await action.run(transport, target);
    return `${count} ${count === 1 ? 'job' : 'jobs'} ${action.past}`;
  };
  return (
    <div className="admin-bulk">
      <div role="group" aria-label="Selected jobs" className="inline">
        <span>{selectedIds.length} selected:</span>
        {ACTIONS.map((action) => (
          <ConfirmButton
            key={action.label}
            label={`${action.label} selected`}
            danger={action.label === 'Delete'}
            disabled={selectedIds.length === 0}
            question={
              <p>
                {action.label} the {selectedIds.length} selected {selectedIds.length === 1 ? 'job' : 'jobs'}? {action.note}
              </p>
            }
            action={() => run(action, { jobIds: selectedIds })}
            onDone={done}
          />
        ))}
      </div>
      <div role="group" aria-label="Every job matching the filter" className="inline">
        <span>{filterText ? `All matching ${filterText}:` : 'Set a filter to act on all matching jobs.'}</span>
        {ACTIONS.map((action) => (
          <ConfirmButton
            key={action.label}
            label={`${action.label} all matching`}
            danger={action.label === 'Delete'}
            disabled={!filterText}
            question={
              <p>
                {action.label} every job matching {filterText}, including those not listed yet? {action.note}
              </p>
            }
            action={() => run(action, { filter })}
            onDone={done}
          />
        ))}
      </div>
    </div>
  );
}
