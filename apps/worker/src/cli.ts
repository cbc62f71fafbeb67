import { Command } from 'commander';
import { ConfigError, parseWorkerConfig } from './config';
import { startNodeWorker } from './nodeWorker';

const program = new Command('tessera-worker')
  .description('Runs Tessera jobs from Postgres: LISTEN/NOTIFY wake-up, batched outcomes, graceful stop.')
  .option('--database-url <url>', 'Postgres connection string (default: $DATABASE_URL); a direct or session-mode connection for LISTEN')
  .option('--public-app-url <url>', 'the web app\'s address, base of certificate QR codes and download links (default: $PUBLIC_APP_URL; required)')
  .option('--concurrency <n>', 'jobs run at once', '10')
  .option('--types <list>', 'comma-separated job types to run (default: every type with a processor)')
  .option('--lease <seconds>', 'lease per claim; a dead worker\'s jobs run again after it', '300')
  .option('--prefetch <n>', 'jobs claimed ahead while others run (default: 2 × --concurrency)')
  .option('--batch-size <n>', 'record outcomes once this many wait...', '100')
  .option('--batch-delay-ms <ms>', '...or this long after the first', '5')
  .option('--poll-interval-ms <ms>', 'fallback poll when no NOTIFY arrives', '2000')
  .option('--grace-ms <ms>', 'on SIGTERM/SIGINT, how long running jobs may finish before release', '30000')
  .option('--once', 'drain the queue, then exit')
  .option('--no-schedules', 'do not tick recurring schedules (other workers or the Edge Function do)')
  .option('--http-port <port>', 'serve /healthz and /metrics on this port (0: any free port)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
  .option('--processors <module>', 'a module exporting more processors: { jobType: fn }')
  .option('--worker-id <id>', 'lease holder name (default: host-pid-random)')
  .option('--pool-size <n>', 'database connections (default: concurrency + 4, at most 20)');

async function main(): Promise<number> {
  const options = program.parse(process.argv).opts<Record<string, unknown>>();
  const config = parseWorkerConfig({
    ...options,
    databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL,
    publicAppUrl: options.publicAppUrl ?? process.env.PUBLIC_APP_URL,
  });
  const worker = await startNodeWorker(config);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // A second signal means "now": leases of unfinished jobs expire and they run elsewhere.
    if (signals > 1) process.exit(130);
    void worker.stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Supervisors (pm2 wait_ready, tests, the bench) learn that the worker is listening.
  process.send?.({ type: 'ready', workerId: worker.workerId, httpPort: worker.httpPort });
  await worker.stopped;
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Let pino flush, then leave even if a stray handle (a dropped socket) lingers.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`tessera-worker: ${error.message}`);
    else console.error('tessera-worker: failed to start:', error);
    process.exit(2);
  },
);
