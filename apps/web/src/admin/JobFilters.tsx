import { ADMIN_JOB_STATES, type AdminJobFilter, type AdminJobState } from '@tessera/queue';
import { useState, type FormEvent } from 'react';

/** The list's filter form; applies on submit so typing does not query on every key. */
export function JobFilters({ filter, onApply }: { filter: AdminJobFilter; onApply: (filter: AdminJobFilter) => void }) {
  const [state, setState] = useState<string>(filter.states?.[0] ?? '');
  const [jobType, setJobType] = useState(filter.jobType ?? '');
  const [userId, setUserId] = useState(filter.userId ?? '');
  const [errorContains, setErrorContains] = useState(filter.errorContains ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      ...(state ? { states: [state as AdminJobState] } : {}),
      ...(jobType.trim() ? { jobType: jobType.trim() } : {}),
      ...(userId.trim() ? { userId: userId.trim() } : {}),
      ...(errorContains.trim() ? { errorContains: errorContains.trim() } : {}),
    });
  };

  return (
    <form className="inline" onSubmit={submit} aria-label="Job filters">
      <label>
        State
        <select value={state} onChange={(event) => setState(event.target.value)}>
          <option value="">all</option>
          {ADMIN_JOB_STATES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
      <label>
        Job type
        <input value={jobType} onChange={(event) => setJobType(event.target.value)} placeholder="any" />
      </label>
      <label>
        User id
        <input value={userId} onChange={(event) => setUserId(event.target.value)} placeholder="any" size={36} />
      </label>
      <label>
        Error contains
        <input value={errorContains} onChange={(event) => setErrorContains(event.target.value)} placeholder="any" />
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}
