import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useSession } from '../session/Session';
import { adminKeys, REFRESH_MS, refreshDashboard, useMaintenanceMode } from './adminQueries';
import { ConfirmButton } from './ConfirmButton';

/** Pause everything (pause_queue(null): the `*` row) or resume everything, each after confirmation. */
function PauseAll({ onDone }: { onDone: (message: string) => void }) {
  const { client } = useSession();
  // Under the dashboard's key prefix, so every admin action's refresh re-reads it.
  const pauses = useQuery({ queryKey: [...adminKeys.all, 'pauses'], queryFn: () => client.pauses(), refetchInterval: REFRESH_MS });
  if (!pauses.data) return pauses.error ? <p role="alert">Pauses: {pauses.error.message}</p> : null;
  const allPaused = pauses.data.some((pause) => pause.jobType === '*');
  return (
    <div className="inline">
      <p data-testid="pause-all-state">
        {allPaused ? <strong>Every job type is paused: workers claim nothing.</strong> : 'Workers claim jobs of every type not paused.'}
      </p>
      {allPaused ? (
        <ConfirmButton
          label="Resume all"
          question={<p>Workers start claiming again, every job type, including the types paused one by one.</p>}
          action={async () => {
            await client.resume();
            return 'All job types resumed';
          }}
          onDone={onDone}
        />
      ) : (
        <ConfirmButton
          label="Pause all"
          danger
          question={<p>Workers stop claiming jobs of every type; running jobs finish. Nothing new starts until you resume.</p>}
          action={async () => {
            await client.pause();
            return 'All job types paused';
          }}
          onDone={onDone}
        />
      )}
    </div>
  );
}

/** Who runs maintenance (pg_cron or workers), and the same tasks on demand. */
export function MaintenancePanel({ onMessage }: { onMessage: (message: string) => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const mode = useMaintenanceMode();
  const [days, setDays] = useState('7');
  const daysId = useId();
  const dayCount = Number(days);
  const validDays = Number.isFinite(dayCount) && dayCount >= 0 && days.trim() !== '';
  const done = (message: string) => {
    refreshDashboard(queryClient);
    onMessage(message);
  };
  return (
    <section aria-labelledby="admin-maintenance">
      <h2 id="admin-maintenance">Maintenance</h2>
      <p>
        {mode.data === 'pg_cron'
          ? 'pg_cron requeues stalled jobs every minute and deletes finished jobs older than 7 days daily.'
          : mode.data === 'worker'
            ? 'No pg_cron here: Node workers run the maintenance (requeue stalled jobs every minute, clean up daily).'
            : 'Checking who runs maintenance…'}
      </p>
      <PauseAll onDone={done} />
      <div className="inline">
        <label htmlFor={daysId}>Delete finished jobs older than (days)</label>
        <input id={daysId} type="number" min={0} value={days} onChange={(event) => setDays(event.target.value)} />
        <ConfirmButton
          label="Clean up"
          danger
          disabled={!validDays}
          question={
            <p>
              Delete every completed and cancelled job that finished more than {days} days ago? Failed jobs are kept at
              least 30 days; job types with their own retention (keep_completed, keep_failed) keep theirs.
            </p>
          }
          action={async () => {
            const count = await client.cleanup(dayCount * 86_400);
            return `${count} finished ${count === 1 ? 'job' : 'jobs'} deleted`;
          }}
          onDone={done}
        />
        <ConfirmButton
          label="Requeue stalled jobs"
          question={<p>Put running jobs whose worker stopped reporting (lease expired) back in the queue?</p>}
          action={async () => {
            const count = await client.requeueStalled();
            return `${count} stalled ${count === 1 ? 'job' : 'jobs'} requeued`;
          }}
          onDone={done}
        />
      </div>
    </section>
  );
}
