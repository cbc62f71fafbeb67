const LOCK_NAME = 'tessera:embedded-database';

let ownership: Promise<void> | undefined;
let waiting = false;
const waitingListeners = new Set<() => void>();

function requestOwnership(): Promise<void> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return Promise.resolve(); // no Web Locks: nothing to coordinate with
  const holdUntilTheTabCloses = () => new Promise<never>(() => undefined);
  return new Promise((resolve, reject) => {
    locks
      .request(LOCK_NAME, { ifAvailable: true }, (lock) => {
        if (lock) {
          resolve();
          return holdUntilTheTabCloses();
        }
        waiting = true;
        waitingListeners.forEach((listener) => listener());
        locks
          .request(LOCK_NAME, () => {
            waiting = false;
            resolve();
            return holdUntilTheTabCloses();
          })
          .catch(reject);
        return undefined;
      })
      .catch(reject);
  });
}

/**
 * PGlite on IndexedDB must be opened by one tab at a time: two tabs would each load their own
 * copy and overwrite each other's writes. The tab holding this Web Lock owns the database until
 * it closes; another tab waits (calling `onWaiting`) and takes over when the lock frees.
 * Module-level, so React StrictMode's double mount asks once.
 */
export function acquireDatabaseOwnership(onWaiting: () => void): Promise<void> {
  waitingListeners.add(onWaiting);
  if (waiting) onWaiting();
  ownership ??= requestOwnership();
  return ownership.finally(() => waitingListeners.delete(onWaiting));
}
