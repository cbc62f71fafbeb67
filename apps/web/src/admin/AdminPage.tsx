import type { AdminJobFilter, AdminJobState } from '@tessera/queue';
import { useRef, useState } from 'react';
import { useSession } from '../session/Session';
import './admin.css';
import { useLiveAdminUpdates } from './adminQueries';
import { JobsPanel } from './JobsPanel';
import { CachePanel } from './CachePanel';
import { MaintenancePanel } from './MaintenancePanel';
import { SchedulesPanel } from './SchedulesPanel';
import { OverviewPanel } from './OverviewPanel';
import { WorkersPanel } from './WorkersPanel';

/**
 * /admin: the queue dashboard for queue admins (is_queue_admin()). Everyone else gets a "not
 * allowed" page; the database refuses them every admin function anyway (42501).
 */
export function AdminPage() {
  const session = useSession();
  if (!session.isAdmin) return <NotAllowed />;
  return <AdminDashboard />;
}

function NotAllowed() {
  return (
    <section aria-labelledby="admin-not-allowed">
      <h2 id="admin-not-allowed">Not allowed</h2>
      <p>The queue dashboard is for queue admins. Sign in as an admin to see every job and act on them.</p>
    </section>
  );
}

function AdminDashboard() {
  useLiveAdminUpdates();
  const [filter, setFilter] = useState<AdminJobFilter>({ states: ['failed'] });
  const [message, setMessage] = useState('');
  const jobsRef = useRef<HTMLDivElement>(null);

  const showJobs = (jobType: string, state: AdminJobState) => {
    setFilter({ jobType, states: [state] });
    jobsRef.current?.scrollIntoView?.({ behavior: 'smooth' });
  };

  return (
    <div className="admin">
      <h2 className="admin-title">Queue dashboard</h2>
      <p role="status" aria-live="polite" className="admin-message">
        {message}
      </p>
      <OverviewPanel onShowJobs={showJobs} />
      <div ref={jobsRef}>
        <JobsPanel filter={filter} onFilterChange={setFilter} onMessage={setMessage} />
      </div>
      <SchedulesPanel onMessage={setMessage} />
      <WorkersPanel onMessage={setMessage} />
      <MaintenancePanel onMessage={setMessage} />
      <CachePanel />
    </div>
  );
}
