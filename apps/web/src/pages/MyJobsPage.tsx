import { JobStatus, useJobs } from '@tessera/queue-react';
import { useSession } from '../session/Session';
import { DownloadCertificateButton } from '../components/DownloadCertificateButton';
import { JobWaitReason } from '../components/JobWaitReason';

export function MyJobsPage() {
  const { client } = useSession();
  const jobs = useJobs({ limit: 50 });
  if (jobs.isPending) return <p aria-busy="true">Loading your jobs…</p>;
  if (jobs.error) return <p role="alert">{jobs.error.message}</p>;
  if (jobs.data.length === 0) return <p className="muted">No jobs yet: generate a certificate from My events.</p>;
  return (
    <section>
      <h2>My jobs</h2>
      <ul className="cards">
        {jobs.data.map((job) => (
          <li key={job.id} className="card">
            <div className="muted">
              {job.jobType} · {job.createdAt.toLocaleString()}
            </div>
            <JobStatus
              job={job}
              onRetry={() => void client.retry(job.id).then(() => jobs.refetch())}
              onCancel={() => void client.cancel(job.id).then(() => jobs.refetch())}
              renderDone={() => {
                const serial = (job.result as { serial?: string } | null)?.serial;
                return serial ? <DownloadCertificateButton serial={serial} /> : null;
              }}
            />
            <JobWaitReason job={job} />
          </li>
        ))}
      </ul>
    </section>
  );
}
