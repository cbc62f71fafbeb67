import type { BrowserJobWorker, JobChange } from './BrowserJobWorker';

/**
 * The BrowserJobWorkers running in this tab (one per `useJobWorker`): an enqueue here wakes them,
 * and the query cache follows the jobs they run.
 */
export class TabWorkers {
  private readonly workers = new Set<BrowserJobWorker>();
  private readonly listeners = new Set<(change: JobChange) => void>();

  add(worker: BrowserJobWorker): () => void {
    this.workers.add(worker);
    const stopForwarding = worker.onJobChange((change) => {
      for (const listener of [...this.listeners]) listener(change);
    });
    return () => {
      stopForwarding();
      this.workers.delete(worker);
    };
  }

  /** Each worker looks for work now; followers ignore it (the TabChannel wakes the leader). */
  wake(): void {
    for (const worker of this.workers) worker.wake();
  }

  onJobChange(listener: (change: JobChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
