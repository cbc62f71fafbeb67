import type { Job } from '@tessera/queue';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobStatus } from '../src/JobStatus';

afterEach(cleanup);

const created = new Date('2030-01-01T10:00:00Z');

/** A job as QueueClient returns it (the shape of jobRowSchema's output). */
function job(overrides: Partial<Job> = {}): Job {
  return {
    id: '6a3f7c1e-2b4d-4e8f-9a0b-1c2d3e4f5a6b',
    jobType: 'certificate',
    payload: {},
    status: 'pending',
    priority: 5,
    attempts: 0,
    maxAttempts: 3,
    runAt: created,
    lockedBy: null,
    lockedUntil: null,
    progress: 0,
    result: null,
    errorMessage: null,
    errors: [],
    jobKey: null,
    cancelRequested: false,
    userId: '00000000-0000-4000-8000-000000000001',
    createdAt: created,
    updatedAt: created,
    startedAt: null,
    completedAt: null,
    ...overrides,
  };
}

const time = (date: Date) => date.toISOString().slice(11, 19);

describe('<JobStatus>', () => {
  it('shows a queued job, with a Cancel button when asked for', async () => {
    const onCancel = vi.fn();
    render(<JobStatus job={job()} onCancel={onCancel} />);
    expect(screen.getByRole('status').textContent).toContain('Queued');
    expect(screen.queryByRole('progressbar')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledWith(job().id);
  });

  it('shows when a delayed job starts', () => {
    const runAt = new Date(created.getTime() + 3_600_000);
    render(<JobStatus job={job({ runAt })} formatTime={time} />);
    expect(screen.getByRole('status').textContent).toBe('Queued, starts at 11:00:00');
    expect(screen.getByText('11:00:00').getAttribute('datetime')).toBe(runAt.toISOString());
  });

  it('shows a running job with its progress bar and step', () => {
    render(
      <JobStatus job={job({ status: 'processing', attempts: 1, progress: 40 })} stepLabel="Rendering page 2" />,
    );
    expect(screen.getByText('Processing 40%')).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Progress' }) as HTMLProgressElement;
    expect(bar.value).toBe(40);
    expect(bar.max).toBe(100);
    expect(screen.getByText('Rendering page 2')).toBeTruthy();
  });

  it("takes the step from the job's progressMessage when the row has one", () => {
    const running = { ...job({ status: 'processing', progress: 75 }), progressMessage: 'Embedding fonts' };
    render(<JobStatus job={running} />);
    expect(screen.getByText('Embedding fonts')).toBeTruthy();
  });

  it('shows a cancel request on a running job instead of the Cancel button', () => {
    render(<JobStatus job={job({ status: 'processing', cancelRequested: true })} onCancel={() => {}} />);
    expect(screen.getByText('Cancelling…')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('shows a finished job with its download slot', () => {
    const done = job({ status: 'completed', progress: 100, result: { url: 'blob:certificate.pdf' } });
    render(
      <JobStatus
        job={done}
        renderDone={(finished) => <a href={(finished.result as { url: string }).url}>Download certificate</a>}
      />,
    );
    expect(screen.getByText('Done')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Download certificate' }).getAttribute('href')).toBe('blob:certificate.pdf');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows a failed job with its reason and a Retry button', async () => {
    const onRetry = vi.fn();
    const failed = job({ status: 'failed', attempts: 3, errorMessage: 'font not found' });
    render(<JobStatus job={failed} onRetry={onRetry} />);
    expect(screen.getByText('Failed: font not found')).toBeTruthy();
    expect(screen.queryByText(/Retrying at/)).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith(failed.id);
  });

  it('shows a job waiting out its backoff: the reason, when it retries, and which attempt', () => {
    const runAt = new Date(created.getTime() + 4_000);
    const waiting = job({ status: 'pending', attempts: 1, errorMessage: 'timeout', runAt });
    render(<JobStatus job={waiting} formatTime={time} onRetry={() => {}} />);
    expect(screen.getByText('Failed: timeout')).toBeTruthy();
    expect(screen.getByText(/Retrying at/).textContent).toBe('Retrying at 10:00:04 (attempt 2 of 3)');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull(); // it retries by itself
  });

  it('shows a job retried by hand as queued again', () => {
    render(<JobStatus job={job({ status: 'pending', attempts: 0, errorMessage: 'timeout' })} />);
    expect(screen.getByRole('status').textContent).toBe('Queued');
  });

  it('shows a cancelled job', () => {
    render(<JobStatus job={job({ status: 'cancelled' })} onRetry={() => {}} onCancel={() => {}} />);
    expect(screen.getByRole('status').textContent).toBe('Cancelled');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
