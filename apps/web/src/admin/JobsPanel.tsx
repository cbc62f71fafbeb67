import type { AdminJobFilter } from '@tessera/queue';
import { useMemo, useState } from 'react';
import { useAdminJobs } from './adminQueries';
import { BulkActions } from './BulkActions';
import { JobDetail } from './JobDetail';
import { JobFilters } from './JobFilters';
import { JobTable } from './JobTable';

interface JobsPanelProps {
  filter: AdminJobFilter;
  onFilterChange: (filter: AdminJobFilter) => void;
  onMessage: (message: string) => void;
}

/** Every user's jobs: filters, keyset pages, selection, bulk actions and one job's detail. */
export function JobsPanel({ filter, onFilterChange, onMessage }: JobsPanelProps) {
  const jobs = useAdminJobs(filter);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openJobId, setOpenJobId] = useState<string | null>(null);
  const listed = useMemo(() => jobs.data?.pages.flat() ?? [], [jobs.data]);
  // A selection only ever holds listed jobs: a refresh that drops a job drops it from the selection.
  const selectedIds = listed.filter((job) => selected.has(job.id)).map((job) => job.id);

  const applyFilter = (next: AdminJobFilter) => {
    setSelected(new Set());
    onFilterChange(next);
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <section aria-labelledby="admin-jobs">
      <h2 id="admin-jobs">Jobs</h2>
      {/* key: the form restarts from the filter when it is set from elsewhere (the overview). */}
      <JobFilters key={JSON.stringify(filter)} filter={filter} onApply={applyFilter} />
      <BulkActions
        selectedIds={selectedIds}
        filter={filter}
        onDone={(message) => {
          setSelected(new Set());
          onMessage(message);
        }}
      />
      {jobs.isPending && <p aria-busy="true">Loading jobs…</p>}
      {jobs.error && <p role="alert">{jobs.error.message}</p>}
      {jobs.data && listed.length === 0 && <p className="muted">No job matches.</p>}
      {listed.length > 0 && (
        <JobTable
          jobs={listed}
          selected={selected}
          onToggle={toggle}
          onToggleAll={(on) => setSelected(on ? new Set(listed.map((job) => job.id)) : new Set())}
          onOpen={setOpenJobId}
        />
      )}
      {jobs.hasNextPage && (
        <button type="button" onClick={() => void jobs.fetchNextPage()} disabled={jobs.isFetchingNextPage}>
          {jobs.isFetchingNextPage ? 'Loading…' : 'Load older jobs'}
        </button>
      )}
      {openJobId && <JobDetail jobId={openJobId} onClose={() => setOpenJobId(null)} onDone={onMessage} />}
    </section>
  );
}
