import { completeJobs, enqueueJobs, failJobs, type Completion, type Failure } from './rpc/batch';
import { enqueueJob } from './rpc/enqueue';
import { claimJobs, completeJob, failJob, heartbeatJob, releaseJobs, type HeartbeatOptions } from './rpc/lease';
import { cancelJob, deleteJob, listQueuePauses, pauseQueue, resumeQueue, retryJob, type QueuePause } from './rpc/manage';
import {
  getJobTypeSettings,
  setJobTypeSettings,
  type JobTypeSettings,
  type JobTypeSettingsInput,
} from './rpc/policies';
import { getJob, isQueueAdmin, listJobs, queueHealth, queueStats } from './rpc/observe';
import { cleanupJobs, requeueStalled } from './rpc/maintenance';
import {
  deleteJobSchedule,
  listJobSchedules,
  setJobScheduleEnabled,
  upsertJobSchedule,
  type JobSchedule,
  type JobScheduleInput,
} from './rpc/schedules';
import {
  forgetWorker,
  jobWaitReason,
  listWorkers,
  workerHeartbeat,
  type JobWaitReason,
  type ListWorkersInput,
  type QueueWorker,
  type WorkerReport,
} from './rpc/workers';
import type { Transport } from './transport';
import type { ClaimInput, EnqueueInput, Job, JobPayload, ListFilter, QueueHealth, QueueStats } from './types';

/**
 * The typed face of the queue's SQL functions. Who the caller is (user, admin, service role)
 * is the transport's business; every permission is decided by the database.
 */
export class QueueClient {
  constructor(readonly transport: Transport) {}

  enqueue<P extends JobPayload = JobPayload>(input: EnqueueInput): Promise<Job<P>> {
    return enqueueJob<P>(this.transport, input);
  }

  /** All-or-nothing bulk enqueue (at most 10,000): one job per input, in input order. */
  enqueueMany<P extends JobPayload = JobPayload>(inputs: readonly EnqueueInput[]): Promise<Job<P>[]> {
    return enqueueJobs<P>(this.transport, inputs);
  }

  get(jobId: string): Promise<Job> {
    return getJob(this.transport, jobId);
  }

  list(filter?: ListFilter): Promise<Job[]> {
    return listJobs(this.transport, filter);
  }

  cancel(jobId: string): Promise<Job> {
    return cancelJob(this.transport, jobId);
  }

  retry(jobId: string): Promise<Job> {
    return retryJob(this.transport, jobId);
  }

  delete(jobId: string): Promise<void> {
    return deleteJob(this.transport, jobId);
  }

  stats(): Promise<QueueStats[]> {
    return queueStats(this.transport);
  }

  health(): Promise<QueueHealth> {
    return queueHealth(this.transport);
  }

  isAdmin(): Promise<boolean> {
    return isQueueAdmin(this.transport);
  }

  /** Admin: stop claiming `jobType`; without one, every type (pause_queue(null)). */
  pause(jobType?: string): Promise<void> {
    return pauseQueue(this.transport, jobType);
  }

  /** Admin: resume `jobType`; without one, everything (the global pause and every type's). */
  resume(jobType?: string): Promise<void> {
    return resumeQueue(this.transport, jobType);
  }

  /** What is paused; a `*` row means every type. */
  pauses(): Promise<QueuePause[]> {
    return listQueuePauses(this.transport);
  }

  /** Every job type's policy (job_type_settings). */
  jobTypeSettings(): Promise<JobTypeSettings[]> {
    return getJobTypeSettings(this.transport);
  }

  /** Admin: merges `settings` into the type's policy; resolves to the resulting row. */
  setJobTypeSettings(jobType: string, settings: JobTypeSettingsInput): Promise<JobTypeSettings> {
    return setJobTypeSettings(this.transport, jobType, settings);
  }

  requeueStalled(): Promise<number> {
    return requeueStalled(this.transport);
  }

  cleanup(olderThanSeconds?: number): Promise<number> {
    return cleanupJobs(this.transport, olderThanSeconds);
  }

  /** What happens next to one of the caller's jobs ("waiting for your browser or the server worker"). */
  waitReason(jobId: string): Promise<JobWaitReason> {
    return jobWaitReason(this.transport, jobId);
  }

  /** Workers seen recently, each with `alive` (admin). */
  workers(input?: ListWorkersInput): Promise<QueueWorker[]> {
    return listWorkers(this.transport, input);
  }

  /** Deletes a worker's row (admin); false when there was none. */
  forgetWorker(workerId: string): Promise<boolean> {
    return forgetWorker(this.transport, workerId);
  }

  /** Recurring schedules, by name (admin). */
  schedules(): Promise<JobSchedule[]> {
    return listJobSchedules(this.transport);
  }

  /** Creates or replaces a recurring schedule (admin); the cron expression is checked first. */
  upsertSchedule(input: JobScheduleInput): Promise<JobSchedule> {
    return upsertJobSchedule(this.transport, input);
  }

  setScheduleEnabled(name: string, enabled: boolean): Promise<JobSchedule> {
    return setJobScheduleEnabled(this.transport, name, enabled);
  }

  deleteSchedule(name: string): Promise<void> {
    return deleteJobSchedule(this.transport, name);
  }

  // The worker side of the contract.

  claim(input: ClaimInput): Promise<Job[]> {
    return claimJobs(this.transport, input);
  }

  heartbeat(jobId: string, workerId: string, options?: HeartbeatOptions): Promise<boolean> {
    return heartbeatJob(this.transport, jobId, workerId, options);
  }

  complete(jobId: string, workerId: string, result?: unknown): Promise<Job> {
    return completeJob(this.transport, jobId, workerId, result);
  }

  fail(jobId: string, workerId: string, error: string, retryable = true): Promise<Job> {
    return failJob(this.transport, jobId, workerId, error, retryable);
  }

  /** Completes the jobs whose lease `workerId` still holds, in one statement; resolves to their ids. */
  completeMany(completions: readonly Completion[], workerId: string): Promise<string[]> {
    return completeJobs(this.transport, completions, workerId);
  }

  /** Fails the jobs whose lease `workerId` still holds, in one statement; resolves to their ids. */
  failMany(failures: readonly Failure[], workerId: string): Promise<string[]> {
    return failJobs(this.transport, failures, workerId);
  }

  release(jobIds: readonly string[], workerId: string): Promise<string[]> {
    return releaseJobs(this.transport, jobIds, workerId);
  }

  /** Reports this worker alive with its counters (queue_workers); browsers only after work. */
  reportWorker(report: WorkerReport): Promise<void> {
    return workerHeartbeat(this.transport, report);
  }
}
