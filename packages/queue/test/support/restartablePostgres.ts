import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** An embedded Postgres of the test's own (own port and data directory) that it may stop and start. */
export interface RestartablePostgres {
  /** Connection string of its maintenance database (`postgres`). */
  adminUrl: string;
  /** Fast shutdown (SIGINT): every session is terminated; the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it for good and removes its data directory. */
  close(): Promise<void>;
}

type Message = { ready?: true; adminUrl?: string; stopped?: true; started?: true; error?: string };

/** Starts an embedded Postgres in a child process (see restartablePostgresProcess.mjs). */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const script = fileURLToPath(new URL('./restartablePostgresProcess.mjs', import.meta.url));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiting: Array<(message: Message) => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line) as Message));
  void exited.then(() => {
    for (const resolve of waiting.splice(0)) resolve({ error: `embedded Postgres exited: ${stderr}` });
  });
  const next = () => new Promise<Message>((resolve) => waiting.push(resolve));

  const send = async (command: 'stop' | 'start', expected: 'stopped' | 'started') => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    const message = await answer;
    if (!message[expected]) throw new Error(`embedded Postgres ${command}: ${message.error ?? JSON.stringify(message)}`);
  };

  const ready = await next();
  if (!ready.ready || !ready.adminUrl) throw new Error(`embedded Postgres did not start: ${ready.error ?? stderr}`);
  return {
    adminUrl: ready.adminUrl,
    stop: () => send('stop', 'stopped'),
    start: () => send('start', 'started'),
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
