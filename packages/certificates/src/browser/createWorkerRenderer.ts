import type { CertificateData } from '../payload';
import { deserializeRenderError, type RenderRequest, type RenderResponse } from './renderMessages';

export interface WorkerRenderer {
  /** Renders in the Web Worker; rejects with `UnsupportedCharactersError` like the in-thread renderer. */
  render(data: CertificateData, verifyUrl: string): Promise<Uint8Array>;
  /** Stops the worker and rejects renders in flight; a later `render` starts a new worker. */
  terminate(): void;
}

interface Pending {
  resolve(pdf: Uint8Array): void;
  reject(error: Error): void;
}

/** A certificate renderer backed by one module Web Worker, started on the first render. */
export function createWorkerRenderer(): WorkerRenderer {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const rejectAll = (error: Error) => {
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const started = new Worker(new URL('./renderWorker.ts', import.meta.url), { type: 'module' });
    started.addEventListener('message', (event: MessageEvent<RenderResponse>) => {
      const response = event.data;
      const entry = pending.get(response.id);
      if (!entry) return;
      pending.delete(response.id);
      if ('pdf' in response) entry.resolve(response.pdf);
      else entry.reject(deserializeRenderError(response.error));
    });
    // The script failed to load or threw at top level: nothing in flight can finish.
    started.addEventListener('error', (event) => {
      event.preventDefault();
      rejectAll(new Error(`certificate render worker failed: ${event.message || 'could not start'}`));
      started.terminate();
      if (worker === started) worker = undefined;
    });
    return started;
  };

  return {
    render(data, verifyUrl) {
      worker ??= start();
      const target = worker;
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const request: RenderRequest = { id, data, verifyUrl };
        try {
          target.postMessage(request);
        } catch (error) {
          pending.delete(id); // e.g. DataCloneError: the request never reached the worker
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    },
    terminate() {
      worker?.terminate();
      worker = undefined;
      rejectAll(new Error('certificate renderer terminated'));
    },
  };
}
