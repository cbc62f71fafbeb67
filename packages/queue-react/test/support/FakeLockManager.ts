/**
 * An in-memory Web Locks LockManager, faithful to the spec's request queue for what the tests use:
 * exclusive and shared modes, `ifAvailable`, `steal`, `signal`; a lock is held until the callback's
 * promise settles; grants are asynchronous. Share one instance between "tabs" (jsdom has none).
 */
interface LockRequest {
  name: string;
  mode: LockMode;
  callback: (lock: Lock | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  granted: boolean;
  released: boolean;
}

const notSupported = (message: string) => Promise.reject(new DOMException(message, 'NotSupportedError'));

export class FakeLockManager implements LockManager {
  private readonly held = new Map<string, LockRequest[]>();
  private readonly queue = new Map<string, LockRequest[]>();

  request<T>(name: string, callback: LockGrantedCallback<T>): Promise<T>;
  request<T>(name: string, options: LockOptions, callback: LockGrantedCallback<T>): Promise<T>;
  request<T>(name: string, a: LockOptions | LockGrantedCallback<T>, b?: LockGrantedCallback<T>): Promise<T> {
    const options: LockOptions = typeof a === 'function' ? {} : a;
    const callback = (typeof a === 'function' ? a : b) as (lock: Lock | null) => unknown;
    const mode = options.mode ?? 'exclusive';
    if (name.startsWith('-')) return notSupported('lock names may not start with "-"');
    if (options.steal && options.ifAvailable) return notSupported('steal and ifAvailable together');
    if (options.steal && mode !== 'exclusive') return notSupported('steal needs exclusive mode');
    if (options.signal && (options.steal || options.ifAvailable)) return notSupported('signal with steal or ifAvailable');
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);

    return new Promise<T>((resolve, reject) => {
      const request: LockRequest = {
        name,
        mode,
        callback,
        resolve: resolve as (value: unknown) => void,
        reject,
        granted: false,
        released: false,
      };
      const queue = this.queueOf(name);
      if (options.steal) {
        for (const holder of this.heldOf(name).splice(0)) {
          holder.released = true;
          holder.reject(new DOMException('The lock was stolen', 'AbortError'));
        }
        queue.unshift(request);
      } else if (options.ifAvailable && !(queue.length === 0 && this.compatible(name, mode))) {
        void Promise.resolve()
          .then(() => callback(null))
          .then(resolve as (value: unknown) => void, reject);
        return;
      } else {
        queue.push(request);
      }
      options.signal?.addEventListener(
        'abort',
        () => {
          if (request.granted) return;
          const index = queue.indexOf(request);
          if (index >= 0) queue.splice(index, 1);
          reject(options.signal?.reason);
          this.process(name);
        },
        { once: true },
      );
      this.process(name);
    });
  }

  query(): Promise<LockManagerSnapshot> {
    const info = (request: LockRequest): LockInfo => ({ name: request.name, mode: request.mode, clientId: 'fake' });
    return Promise.resolve({
      held: [...this.held.values()].flat().map(info),
      pending: [...this.queue.values()].flat().map(info),
    });
  }

  private heldOf(name: string): LockRequest[] {
    let held = this.held.get(name);
    if (!held) this.held.set(name, (held = []));
    return held;
  }

  private queueOf(name: string): LockRequest[] {
    let queue = this.queue.get(name);
    if (!queue) this.queue.set(name, (queue = []));
    return queue;
  }

  private compatible(name: string, mode: LockMode): boolean {
    const held = this.heldOf(name);
    return mode === 'exclusive' ? held.length === 0 : held.every((lock) => lock.mode === 'shared');
  }

  // Grant from the front of the queue while requests are grantable (several shared ones at once).
  private process(name: string): void {
    const queue = this.queueOf(name);
    while (queue.length > 0) {
      const next = queue[0]!;
      if (!this.compatible(name, next.mode)) return;
      queue.shift();
      this.grant(next);
    }
  }

  private grant(request: LockRequest): void {
    request.granted = true;
    this.heldOf(request.name).push(request);
    const lock = { name: request.name, mode: request.mode } as Lock;
    const release = () => {
      if (request.released) return false; // stolen: already gone
      request.released = true;
      const held = this.heldOf(request.name);
      held.splice(held.indexOf(request), 1);
      this.process(request.name);
      return true;
    };
    void Promise.resolve()
      .then(() => request.callback(lock))
      .then(
        (value) => {
          if (release()) request.resolve(value);
        },
        (error: unknown) => {
          if (release()) request.reject(error);
        },
      );
  }
}
