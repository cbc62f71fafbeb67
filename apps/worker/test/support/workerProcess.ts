import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/tessera-worker.mjs', import.meta.url));
export const TEST_PROCESSORS = fileURLToPath(new URL('../fixtures/testProcessors.ts', import.meta.url));
/** The PUBLIC_APP_URL every test worker gets unless a test says otherwise (the worker requires one). */
export const TEST_PUBLIC_APP_URL = 'http://app.tessera.test';

export interface WorkerMessage {
  type: string;
  jobId?: string;
  attempt?: number;
  httpPort?: number;
}

/** A real `tessera-worker` child process, with its IPC messages and output kept for assertions. */
export class WorkerProcess {
  readonly messages: WorkerMessage[] = [];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output = '';
  private readonly child: ChildProcess;

  /** `env` is added to this process's environment (undefined removes a variable). */
  constructor(args: string[], env: Record<string, string | undefined> = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, PUBLIC_APP_URL: TEST_PUBLIC_APP_URL, ...env },
    });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString();
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('message', (message: WorkerMessage) => this.messages.push(message));
    this.exit = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the `ready` message (the worker is listening), or rejects if it exits first. */
  async ready(): Promise<WorkerMessage> {
    const found = await Promise.race([this.waitFor((message) => message.type === 'ready'), this.exit.then(() => undefined)]);
    if (!found) throw new Error(`worker exited before ready:\n${this.output}`);
    return found;
  }

  async waitFor(match: (message: WorkerMessage) => boolean, timeoutMs = 30_000): Promise<WorkerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message from the worker in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  finished(): string[] {
    return this.messages.filter((message) => message.type === 'finished').map((message) => message.jobId!);
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Stops it if it is still running (test cleanup). */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }
}
