import type { useJobWorker } from '@tessera/queue-react';

type WorkerView = ReturnType<typeof useJobWorker>;

const LABELS: Record<string, string> = {
  idle: 'idle',
  processing: 'working',
  paused: 'paused',
  error: 'error',
  stopped: 'stopped',
};

/** What this tab's worker is doing; followers show which tab does the work. */
export function WorkerBadge({ worker }: { worker: WorkerView }) {
  return (
    <p className="worker" data-testid="worker-badge">
      Worker: <strong data-testid="worker-state">{LABELS[worker.state] ?? worker.state}</strong>
      {worker.isLeader ? ' (this tab)' : ' (another tab of yours is working)'} · done {worker.processed} · failed{' '}
      {worker.failed}
      {worker.lastError && <span className="error"> · {worker.lastError}</span>}
    </p>
  );
}
