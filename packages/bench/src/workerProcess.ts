import { spawn, type ChildProcess } from 'node:child_process';
import type { BenchSystem } from './systems/system';

type Message =
  | { type: 'ready' }
  | { type: 'progress'; handled: number; firstStartAt: number }
  | { type: 'pickup'; sentAt: number; startedAt: number };

/** One worker process of a system under test, and what it reported over IPC. */
export class WorkerProcess {
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  handled = 0;
  firstStartAt = Number.POSITIVE_INFINITY;
  onProgress: (() => void) | undefined;
  onPickup: ((sentAt: number, startedAt: number) => void) | undefined;
  private readonly child: ChildProcess;
  private stderr = '';

  constructor(system: BenchSystem, url: string) {
    const command = system.workerCommand(url);
    this.child = spawn(process.execPath, command.args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ...command.env },
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`${system.id} worker exited (${code}) before ready:\n${this.stderr}`)));
      this.child.on('message', (message: Message) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'progress') {
          this.handled = message.handled;
          this.firstStartAt = Math.min(this.firstStartAt, message.firstStartAt);
          this.onProgress?.();
        } else if (message.type === 'pickup') this.onPickup?.(message.sentAt, message.startedAt);
      });
    });
    this.ready.catch(() => undefined);
  }

  go(): void {
    this.child.send({ type: 'go' });
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
