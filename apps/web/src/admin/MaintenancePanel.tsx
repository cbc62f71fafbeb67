import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useSession } from '../session/Session';
import { refreshDashboard, useMaintenanceMode } from './adminQueries';
import { ConfirmButton } from './ConfirmButton';

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
      <div className="inline">
        <label htmlFor={daysId}>Delete finished jobs older than (days)</label>
        <input id={daysId} type="number" min={0} value={days} onChange={(event) => setDays(event.target.value)} />
        <ConfirmButton
          label="Clean up"
          danger
          disabled={!validDays}
          question={<p>Delete every completed, failed and cancelled job that finished more than {days} days ago?</p>}
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
