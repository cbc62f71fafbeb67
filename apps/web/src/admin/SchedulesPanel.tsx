import { useQuery, useQueryClient } from '@tanstack/react-query';
import { cronProblem, nextSlot, type JobSchedule } from '@tessera/queue';
import { useId, useState, type FormEvent } from 'react';
import { useSession } from '../session/Session';
import { refreshDashboard, REFRESH_MS } from './adminQueries';
import { ConfirmButton } from './ConfirmButton';
import { formatTime } from './format';

/** Under the dashboard's common prefix: every admin action's refresh reloads it too. */
const schedulesKey = ['tessera-admin', 'schedules'] as const;

function useSchedules() {
  const { client } = useSession();
  return useQuery({ queryKey: schedulesKey, queryFn: () => client.schedules(), refetchInterval: REFRESH_MS });
}

/** Recurring schedules (job_schedules): what runs when, and the next slot a worker will run. */
export function SchedulesPanel({ onMessage }: { onMessage: (message: string) => void }) {
  const schedules = useSchedules();
  const queryClient = useQueryClient();
  const done = (message: string) => {
    refreshDashboard(queryClient);
    onMessage(message);
  };
  return (
    <section aria-labelledby="admin-schedules">
      <h2 id="admin-schedules">Schedules</h2>
      <p>
        Each slot enqueues one job. The Node worker and the process-jobs Edge Function tick the schedules; a slot missed
        while none ran runs once when one is back.
      </p>
      {schedules.isPending && <p aria-busy="true">Loading schedules…</p>}
      {schedules.error && <p role="alert">Schedules: {schedules.error.message}</p>}
      {schedules.data && schedules.data.length === 0 && <p>No schedules yet.</p>}
      {schedules.data && schedules.data.length > 0 && <SchedulesTable schedules={schedules.data} onDone={done} />}
      <ScheduleForm onDone={done} />
    </section>
  );
}

function SchedulesTable({ schedules, onDone }: { schedules: JobSchedule[]; onDone: (message: string) => void }) {
  const { client } = useSession();
  return (
    <table aria-label="Schedules">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Cron</th>
          <th scope="col">Time zone</th>
          <th scope="col">Job type</th>
          <th scope="col">Enabled</th>
          <th scope="col">Last run</th>
          <th scope="col">Next run</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {schedules.map((schedule) => (
          <tr key={schedule.name} aria-label={schedule.name}>
            <th scope="row">{schedule.name}</th>
            <td>
              <code>{schedule.cron}</code>
            </td>
            <td>{schedule.timeZone}</td>
            <td>{schedule.jobType}</td>
            <td>{schedule.enabled ? 'yes' : 'no'}</td>
            <td>{formatTime(schedule.lastRunAt)}</td>
            <td>{schedule.enabled ? (schedule.nextRunAt ? formatTime(schedule.nextRunAt) : 'at the next tick') : '—'}</td>
            <td className="inline">
              <ConfirmButton
                label={`${schedule.enabled ? 'Disable' : 'Enable'} ${schedule.name}`}
                question={
                  <p>
                    {schedule.enabled
                      ? `No ${schedule.jobType} jobs from ${schedule.name} until it is enabled again; slots that pass meanwhile never run.`
                      : `${schedule.name} runs again from its next slot after now.`}
                  </p>
                }
                action={async () => {
                  const updated = await client.setScheduleEnabled(schedule.name, !schedule.enabled);
                  return `${updated.name} ${updated.enabled ? 'enabled' : 'disabled'}`;
                }}
                onDone={onDone}
              />
              <ConfirmButton
                label={`Delete ${schedule.name}`}
                danger
                question={<p>Delete the schedule {schedule.name}? Jobs it already enqueued stay in the queue.</p>}
                action={async () => {
                  await client.deleteSchedule(schedule.name);
                  return `${schedule.name} deleted`;
                }}
                onDone={onDone}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Creates a schedule, or replaces the one of the same name. */
function ScheduleForm({ onDone }: { onDone: (message: string) => void }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [cron, setCron] = useState('0 0 * * *');
  const [timeZone, setTimeZone] = useState('UTC');
  const [jobType, setJobType] = useState('');
  const [payload, setPayload] = useState('{}');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), cron: useId(), timeZone: useId(), jobType: useId(), payload: useId(), next: useId() };
  const problem = cron.trim() ? cronProblem(cron, timeZone) : 'a cron expression is required';
  const next = problem ? null : nextSlot(cron, timeZone, new Date());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      setError('payload must be JSON, e.g. {"report": "daily"}');
      return;
    }
    setBusy(true);
    try {
      const saved = await client.upsertSchedule({ name, cron, timeZone, jobType, payload: parsed as Record<string, unknown> });
      setName('');
      onDone(`${saved.name} saved: ${saved.jobType} on "${saved.cron}" (${saved.timeZone})`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form aria-label="Add or replace a schedule" onSubmit={(event) => void submit(event)}>
      <div className="admin-fields">
        <label htmlFor={ids.name}>Schedule name</label>
        <input id={ids.name} value={name} onChange={(event) => setName(event.target.value)} placeholder="reports.nightly" required />
        <label htmlFor={ids.cron}>Cron expression</label>
        <input
          id={ids.cron}
          value={cron}
          onChange={(event) => setCron(event.target.value)}
          aria-describedby={ids.next}
          aria-invalid={problem ? true : undefined}
        />
        <label htmlFor={ids.timeZone}>Time zone</label>
        <input id={ids.timeZone} value={timeZone} onChange={(event) => setTimeZone(event.target.value)} />
        <label htmlFor={ids.jobType}>Job type to enqueue</label>
        <input id={ids.jobType} value={jobType} onChange={(event) => setJobType(event.target.value)} placeholder="report.build" required />
        <label htmlFor={ids.payload}>Payload (JSON)</label>
        <textarea id={ids.payload} value={payload} onChange={(event) => setPayload(event.target.value)} rows={2} />
      </div>
      <p id={ids.next}>{problem ? `Cron: ${problem}` : `First run: ${formatTime(next)}`}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || problem !== null}>
        {busy ? 'Saving…' : 'Save schedule'}
      </button>
    </form>
  );
}
