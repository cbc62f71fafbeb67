import type { PGlite } from '@electric-sql/pglite';
import { QueueClient } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { demoRender } from './demoProcessor';
import { claimsFor, type DemoUser } from './embedded/users';
import { JobTable } from './JobTable';
import { useQueueWorker } from './useQueueWorker';

const processors = { 'demo.render': demoRender };

export function Workspace({ db, user }: { db: PGlite; user: DemoUser }) {
  const [client] = useState(() => new QueueClient(new PGliteTransport(db, { claims: claimsFor(user) })));
  const queryClient = useQueryClient();
  // This tab's worker runs as the signed-in user: it can only ever claim that user's jobs.
  const worker = useQueueWorker(client, { processors, intervalMs: 10_000, concurrency: 2 });
  const jobs = useQuery({ queryKey: ['jobs', user.id], queryFn: () => client.list({ limit: 20 }) });
  const stats = useQuery({ queryKey: ['stats', user.id], queryFn: () => client.stats() });

  // Push, not polling: refetch when the worker reports a change.
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: ['jobs', user.id] });
    void queryClient.invalidateQueries({ queryKey: ['stats', user.id] });
  }, [worker, queryClient, user.id]);

  const enqueue = useMutation({
    mutationFn: (fail: boolean) =>
      client.enqueue({ jobType: 'demo.render', payload: { label: `for ${user.name}`, fail }, maxAttempts: fail ? 2 : 3 }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['jobs', user.id] }),
  });

  return (
    <section>
      <p>
        Worker: <strong data-testid="worker-state">{worker.state}</strong> · processed {worker.processed} · failed{' '}
        {worker.failed}
        {worker.lastError && <span className="error"> · last error: {worker.lastError}</span>}
      </p>
      <div className="actions">
        <button onClick={() => enqueue.mutate(false)} disabled={enqueue.isPending}>
          Run a demo job
        </button>
        <button onClick={() => enqueue.mutate(true)} disabled={enqueue.isPending}>
          Run a job that fails
        </button>
      </div>
      {enqueue.error && <p role="alert">{enqueue.error.message}</p>}
      <JobTable
        jobs={jobs.data ?? []}
        onRetry={(id) => client.retry(id).then(() => queryClient.invalidateQueries({ queryKey: ['jobs', user.id] }))}
        onCancel={(id) => client.cancel(id).then(() => queryClient.invalidateQueries({ queryKey: ['jobs', user.id] }))}
      />
      <h2>Queue stats {user.role === 'admin' ? '(all users)' : '(your jobs)'}</h2>
      <table>
        <thead>
          <tr>
            <th>type</th><th>pending</th><th>scheduled</th><th>processing</th><th>completed</th><th>failed</th><th>cancelled</th>
          </tr>
        </thead>
        <tbody>
          {(stats.data ?? []).map((row) => (
            <tr key={row.jobType}>
              <td>{row.jobType}</td><td>{row.pending}</td><td>{row.scheduled}</td><td>{row.processing}</td>
              <td>{row.completed}</td><td>{row.failed}</td><td>{row.cancelled}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
