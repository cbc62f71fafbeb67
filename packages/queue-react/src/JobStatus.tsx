import type { Job } from '@tessera/queue';
import type { ReactNode } from 'react';

export interface JobStatusProps {
  job: Job;
  /** Shows a Retry button on a failed job. */
  onRetry?: (jobId: string) => void;
  /** Shows a Cancel button on a queued or running job. */
  onCancel?: (jobId: string) => void;
  /** What a finished job offers, e.g. its download link. */
  renderDone?: (job: Job) => ReactNode;
  /** The running step ("Rendering page 2"); default the job's `progressMessage` when it has one. */
  stepLabel?: string;
  formatTime?: (date: Date) => string;
}

const defaultFormatTime = (date: Date) => date.toLocaleTimeString();

/** A delay set at enqueue (not just the time it took to insert). */
const DELAYED_MS = 1_000;

function Time({ date, format }: { date: Date; format: (date: Date) => string }) {
  return <time dateTime={date.toISOString()}>{format(date)}</time>;
}

/**
 * One job's state for people: Queued, Processing n% (progress bar), Done (with what it produced),
 * Failed (reason, when it retries, a Retry button), Cancelled. A live region, so screen readers
 * hear the changes.
 */
export function JobStatus({ job, onRetry, onCancel, renderDone, stepLabel, formatTime = defaultFormatTime }: JobStatusProps) {
  const step = stepLabel ?? job.progressMessage ?? undefined;
  const cancelButton =
    onCancel && !job.cancelRequested ? (
      <button type="button" onClick={() => onCancel(job.id)}>
        Cancel
      </button>
    ) : null;
  let body: ReactNode;

  switch (job.status) {
    case 'pending':
      // attempts > 0: an attempt failed and the job waits out its backoff. (A retried job starts from 0.)
      body =
        job.errorMessage && job.attempts > 0 ? (
          <>
            <p>Failed: {job.errorMessage}</p>
            <p>
              Retrying at <Time date={job.runAt} format={formatTime} /> (attempt {job.attempts + 1} of {job.maxAttempts})
            </p>
            {cancelButton}
          </>
        ) : (
          <>
            <p>
              Queued
              {job.runAt.getTime() - job.createdAt.getTime() > DELAYED_MS && (
                <>
                  , starts at <Time date={job.runAt} format={formatTime} />
                </>
              )}
            </p>
            {cancelButton}
          </>
        );
      break;
    case 'processing':
      body = (
        <>
          <p>Processing {job.progress}%</p>
          <progress value={job.progress} max={100} aria-label="Progress">
            {job.progress}%
          </progress>
          {step && <p>{step}</p>}
          {job.cancelRequested ? <p>Cancelling…</p> : cancelButton}
        </>
      );
      break;
    case 'completed':
      body = (
        <>
          <p>Done</p>
          {renderDone?.(job)}
        </>
      );
      break;
    case 'failed':
      body = (
        <>
          <p>Failed: {job.errorMessage ?? 'unknown error'}</p>
          {onRetry && (
            <button type="button" onClick={() => onRetry(job.id)}>
              Retry
            </button>
          )}
        </>
      );
      break;
    case 'cancelled':
      body = <p>Cancelled</p>;
      break;
  }

  return (
    <div role="status" aria-live="polite" data-job-status={job.status} className="tessera-job-status">
      {body}
    </div>
  );
}
