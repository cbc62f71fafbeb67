import type { JobFinishedEvent, QueueStats } from '@tessera/queue';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one worker process, served as text at /metrics. */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly processed: Counter<'job_type'>;
  private readonly failed: Counter<'job_type'>;
  private readonly finished: Counter<'job_type' | 'outcome'>;
  private readonly duration: Histogram<'job_type' | 'outcome'>;

  constructor(options: { activeJobs: () => number; queueStats: () => Promise<QueueStats[]> }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.processed = new Counter({
      name: 'tessera_worker_jobs_processed_total',
      help: 'Jobs completed by this worker.',
      labelNames: ['job_type'],
      registers,
    });
    this.failed = new Counter({
      name: 'tessera_worker_jobs_failed_total',
      help: 'Failed attempts (retried later while attempts remain).',
      labelNames: ['job_type'],
      registers,
    });
    this.finished = new Counter({
      name: 'tessera_worker_jobs_finished_total',
      help: 'Jobs this worker finished with, by outcome (completed, failed, cancelled, lost, released).',
      labelNames: ['job_type', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'tessera_worker_job_duration_seconds',
      help: 'Time processors ran.',
      labelNames: ['job_type', 'outcome'],
      buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30, 120, 600],
      registers,
    });
    new Gauge({
      name: 'tessera_worker_active_jobs',
      help: 'Jobs running in this worker now.',
      registers,
      collect() {
        this.set(options.activeJobs());
      },
    });
    new Gauge({
      name: 'tessera_queue_depth',
      help: 'Jobs in the queue by type and state (pending = ready now, scheduled = later).',
      labelNames: ['job_type', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const row of await options.queueStats()) {
          this.set({ job_type: row.jobType, state: 'pending' }, row.pending);
          this.set({ job_type: row.jobType, state: 'scheduled' }, row.scheduled);
          this.set({ job_type: row.jobType, state: 'processing' }, row.processing);
        }
      },
    });
  }

  record(event: JobFinishedEvent): void {
    const jobType = event.job.jobType;
    if (event.outcome === 'completed') this.processed.inc({ job_type: jobType });
    if (event.outcome === 'failed') this.failed.inc({ job_type: jobType });
    this.finished.inc({ job_type: jobType, outcome: event.outcome });
    if (event.outcome !== 'released') {
      this.duration.observe({ job_type: jobType, outcome: event.outcome }, event.durationMs / 1000);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
