export { QueueClient } from './client';
export { JobWorker, JobCancelledError, JobTimeoutError, WorkerStoppingError } from './worker/JobWorker';
export type {
  ActiveJob,
  JobContext,
  JobFinishedEvent,
  JobOutcome,
  JobWorkerBatchOptions,
  JobWorkerOptions,
  Processor,
  Processors,
  WorkerSnapshot,
  WorkerState,
} from './worker/types';
export { errorMessage } from './worker/errorMessage';
export {
  DrainTally,
  LifecycleEvents,
  lifecycleEventOf,
  type LifecycleEvent,
  type LifecycleEventType,
  type LifecycleListener,
  type WorkerLogger,
} from './worker/lifecycle';
export {
  ConflictError,
  InvalidStateError,
  LeaseLostError,
  NotAllowedError,
  NotFoundError,
  PermanentJobError,
  QueueError,
  RateLimitedError,
  TransportError,
  ValidationError,
  toQueueError,
} from './errors';
export { ENQUEUE_BATCH_MAX, FINISH_BATCH_MAX, type Completion, type Failure } from './rpc/batch';
export { CompletionBatcher, type CompletionBatcherOptions, type FinishOutcome } from './worker/CompletionBatcher';
export { JOB_CHANGES_CHANNEL, JOBS_CHANNEL, type JwtClaims, type RpcArgs, type Transport, type Unsubscribe } from './transport';
export {
  enqueueInputSchema,
  FINAL_STATUSES,
  JOB_STATUSES,
  JOB_TYPE_PATTERN,
  jobRowSchema,
  jobStatusSchema,
  jobTypeSchema,
  listFilterSchema,
  PAYLOAD_MAX_BYTES,
  payloadSchema,
} from './schemas';
export type {
  ClaimInput,
  EnqueueInput,
  Job,
  JobErrorEntry,
  JobPayload,
  JobStatus,
  ListFilter,
  QueueHealth,
  QueueStats,
} from './types';
export { applySqlFiles, type SqlFile } from './sql/apply';
/** The zod the schemas above are built with, for apps that compose them into their own (one copy, same version). */
export { z } from 'zod';
export { callRpc } from './rpc/call';
export * from './rpc/admin';
export * from './rpc/policies';
export { listQueuePauses, type QueuePause } from './rpc/manage';
export type { HeartbeatOptions } from './rpc/lease';
export * from './rpc/workers';
export { MaintenanceRunner, type MaintenanceOutcome, type MaintenanceRunnerOptions } from './worker/MaintenanceRunner';
export * from './rpc/schedules';
export { assertValidCron, cronProblem, isKnownTimeZone, nextSlot, normalizeCron } from './schedules/cron';
export { tickSchedules, type ScheduleTickOutcome, type TickSchedulesOptions } from './schedules/tickSchedules';
export { ScheduleTicker, type ScheduleTickerOptions } from './schedules/ScheduleTicker';
export { drainOnce, type DrainOnceOptions, type DrainOnceResult, type DrainStopReason } from './worker/drainOnce';
