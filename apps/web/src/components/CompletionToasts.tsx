import type { Job, LifecycleEvent } from '@tessera/queue';
import { useJobs, useJobWorkerEvents } from '@tessera/queue-react';
import { useCallback, useEffect, useRef, useState } from 'react';

interface Toast {
  id: string;
  text: string;
  tone: 'ok' | 'error';
}

const DESCRIBE: Partial<Record<Job['status'], (job: Job) => Toast>> = {
  completed: (job) => ({ id: job.id, text: job.jobType === 'certificate' ? 'Your certificate is ready.' : `${job.jobType} done.`, tone: 'ok' }),
  failed: (job) => ({ id: job.id, text: `${job.jobType} failed: ${job.errorMessage ?? 'unknown error'}`, tone: 'error' }),
};

const retrying = ({ job, error }: LifecycleEvent): Toast => ({
  id: job.id,
  text: `${job.jobType} attempt ${job.attempts} of ${job.maxAttempts} failed (${error ?? 'unknown error'}): retrying.`,
  tone: 'error',
});

/**
 * Toasts (and a system notification when allowed) when one of the user's jobs finishes, whoever
 * ran it (from the job list's status changes), and when this tab's worker will retry one (its
 * onRetrying lifecycle event: a retry is back to 'pending', not news in the list).
 */
export function CompletionToasts() {
  const jobs = useJobs({ limit: 20 });
  const seen = useRef<Map<string, Job['status']> | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);

  const show = useCallback((fresh: Toast[]) => {
    if (fresh.length === 0) return;
    setToasts((current) => [...current, ...fresh].slice(-4));
    for (const toast of fresh) {
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden) {
        new Notification('Tessera', { body: toast.text });
      }
      setTimeout(() => setToasts((current) => current.filter((item) => item !== toast)), 6_000);
    }
  }, []);

  useJobWorkerEvents({ onRetrying: (event) => show([retrying(event)]) });

  useEffect(() => {
    if (!jobs.data) return;
    const previous = seen.current;
    seen.current = new Map(jobs.data.map((job) => [job.id, job.status]));
    if (!previous) return; // first load: history, not news
    show(
      jobs.data
        .filter((job) => previous.get(job.id) !== job.status)
        .map((job) => DESCRIBE[job.status]?.(job))
        .filter((toast): toast is Toast => toast !== undefined),
    );
  }, [jobs.data, show]);

  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={`${toast.id}-${toast.text}`} className={`toast ${toast.tone}`} role="status">
          {toast.text}
        </div>
      ))}
    </div>
  );
}
