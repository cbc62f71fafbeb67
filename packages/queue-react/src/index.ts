export { TesseraProvider, useTessera, type TesseraContextValue, type TesseraProviderProps } from './TesseraProvider';
export { useJobWorker, type UseJobWorkerOptions } from './useJobWorker';
export { useEnqueue } from './useEnqueue';
export { useJob, isJobDone, type UseJobOptions } from './useJob';
export { useJobWorkerEvents, type JobLifecycleCallbacks } from './workerEvents';
export { useJobs } from './useJobs';
export { useJobActions } from './useJobActions';
export { JobStatus, type JobStatusProps } from './JobStatus';
export { jobQueryKeys } from './queryKeys';
export { followJobChanges, type JobChangeSources } from './jobCache';
export {
  BrowserJobWorker,
  type BrowserJobWorkerOptions,
  type BrowserWorkerSnapshot,
  type BrowserWorkerState,
  type JobChange,
} from './BrowserJobWorker';
export { LeaderLock, leaderLockName, type LeaderLockOptions } from './LeaderLock';
export { TabChannel, tabChannelName, type TabChannelOptions, type TabMessage, type TabMessageListener } from './TabChannel';
export {
  sharedPushSource,
  transportPushSource,
  type PushSource,
  type PushUnsubscribe,
  type TransportPushSourceOptions,
} from './PushSource';
export { TabWorkers } from './TabWorkers';
export { nextRunAt } from './nextRunAt';
