import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { errorMessage, JOBS_CHANNEL, JobWorker, MaintenanceRunner, QueueClient, type JobFinishedEvent } from '@tessera/queue';
import { PgTransport } from '@tessera/queue/pg';
import pg from 'pg';
import type { WorkerConfig } from './config';
import { startHttpServer, type HttpServer } from './httpServer';
import { nodeCertificateProcessor } from './certificateProcessor';
import { loadProcessors } from './loadProcessors';
import { addNotifyProcessors } from './notifyProcessors';
import { createLogger, type Logger } from './logger';
import { WorkerMetrics } from './metrics';
import { WorkerPresence } from './workerPresence';
import { startScheduleTicker } from './scheduleTicker';

export interface RunningWorker {
  workerId: string;
  /** Port of /healthz and /metrics, when served. */
  httpPort: number | undefined;
  /** Stop claiming, let running jobs finish within the grace period, record every outcome, release the rest. */
  stop(reason: string): Promise<void>;
  /** Resolves when the worker has stopped (after stop(), or after draining with --once). */
  stopped: Promise<void>;
}

/**
 * The Node worker: JobWorker over pg as the service role, with LISTEN/NOTIFY wake-up and a
 * fallback poll, prefetch, batched outcomes, structured logs, metrics and graceful stop.
 */
export async function startNodeWorker(config: WorkerConfig, logger?: Logger): Promise<RunningWorker> {
  const workerId = config.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = logger ?? createLogger(config.logLevel, workerId);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize });
  // A pooled connection dropped by a restarting server must not crash the process; the next
  // query opens a new one.
  pool.on('error', (error) => log.warn({ err: error.message }, 'idle database connection lost'));
  const transport = new PgTransport({
    pool,
    connectionString: config.databaseUrl,
    onListenError: (error) => log.warn({ err: errorMessage(error) }, 'LISTEN connection lost: reconnecting, polling meanwhile'),
  });
  const client = new QueueClient(transport);

  const processors = await loadProcessors(config.processors);
  // The certificate processor needs the database (its certificate store) and the QR code's base URL.
  if (!processors.certificate) processors.certificate = nodeCertificateProcessor(transport, config.publicAppUrl);
  addNotifyProcessors(processors, transport, config.publicAppUrl, log);
  const jobTypes = config.types ?? Object.keys(processors);
  const missing = jobTypes.filter((type) => !processors[type]);
  if (missing.length > 0) log.warn({ missing }, 'no processor for these job types: their jobs will fail permanently');

  // requeue_stalled / cleanup_jobs when pg_cron does not schedule them: one runner at a time
  // across all workers (advisory lock in run_maintenance).
  const maintenance = config.once
    ? undefined
    : new MaintenanceRunner({
        transport,
        onTick: (outcome) => {
          if (outcome.kind === 'ran') log.debug({ outcome }, 'maintenance');
        },
        onError: (error) => log.warn({ err: errorMessage(error) }, 'maintenance failed (it retries)'),
      });

  // Recurring schedules (0020): every worker ticks them; each slot still gets exactly one job.
  const schedules = config.once || !config.schedules ? undefined : startScheduleTicker(transport, log);

  // LISTEN first: once it works the worker never misses a wake-up. Behind a transaction pooler
  // it cannot work; the worker then polls.
  const listen = !config.once;
  if (listen) {
    await transport.subscribe(JOBS_CHANNEL, () => undefined).catch((error: unknown) => {
      log.warn({ err: errorMessage(error) }, `LISTEN unavailable: polling every ${config.pollIntervalMs} ms`);
    });
  }

  let metrics: WorkerMetrics | undefined;
  const onJobFinished = (event: JobFinishedEvent) => {
    metrics?.record(event);
    const fields = {
      jobId: event.job.id,
      jobType: event.job.jobType,
      attempt: event.job.attempts,
      durationMs: Math.round(event.durationMs * 100) / 100,
      outcome: event.outcome,
    };
    if (event.outcome === 'failed') log.warn({ ...fields, err: event.error }, 'job failed');
    else if (event.outcome === 'lost') log.warn(fields, 'job lease lost: outcome not recorded');
    else log.info(fields, `job ${event.outcome}`);
  };

  const worker = new JobWorker(client, {
    processors,
    jobTypes,
    workerId,
    concurrency: config.concurrency,
    prefetch: config.prefetch,
    leaseSeconds: config.lease,
    intervalMs: config.pollIntervalMs,
    listen,
    batch: { maxSize: config.batchSize, delayMs: config.batchDelayMs },
    onJobFinished,
    // "Processed X jobs: Y succeeded, Z failed" each time the worker goes idle, at --log-level debug.
    debug: log.isLevelEnabled('debug'),
    logger: { debug: (message) => log.debug({ event: 'drain' }, message) },
    onError: (error) => log.error({ err: errorMessage(error) }, 'worker error (it keeps going)'),
  });

  let http: HttpServer | undefined;
  if (config.httpPort !== undefined) {
    metrics = new WorkerMetrics({
      activeJobs: () => worker.getSnapshot().activeJobs.length,
      queueStats: () => client.stats(),
    });
    const served = metrics;
    http = await startHttpServer(config.httpPort, {
      health: () => {
        const snapshot = worker.getSnapshot();
        const ok = snapshot.state !== 'error' && snapshot.state !== 'stopped' && !stopping;
        return {
          ok,
          body: {
            status: ok ? 'ok' : stopping ? 'stopping' : 'unhealthy',
            workerId,
            state: snapshot.state,
            activeJobs: snapshot.activeJobs.length,
            processed: snapshot.processed,
            failed: snapshot.failed,
            lastError: snapshot.lastError,
          },
        };
      },
      metrics: async () => ({ contentType: served.contentType, text: await served.text() }),
    });
  }

  let stopping = false;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const stop = async (reason: string) => {
    if (stopping) return stopped;
    stopping = true;
    log.info({ reason, graceMs: config.graceMs, activeJobs: worker.getSnapshot().activeJobs.length }, 'stopping: no new claims');
    await maintenance?.stop();
    await schedules?.stop();
    await worker.stop({ graceMs: config.graceMs });
    await presence.stop(); // its last report: not alive any more
    const { processed, failed } = worker.getSnapshot();
    await http?.close();
    await transport.close();
    await pool.end().catch(() => undefined);
    log.info({ processed, failed }, 'stopped');
    markStopped();
  };

  // The workers view and queue_health's no_live_worker alert (queue_workers, 0019).
  const presence = new WorkerPresence({
    client,
    workerId,
    jobTypes,
    counters: () => {
      const snapshot = worker.getSnapshot();
      return { running: snapshot.activeJobs.length, processed: snapshot.processed, failed: snapshot.failed };
    },
    onError: (error) => log.warn({ err: errorMessage(error) }, 'worker presence report failed (it retries)'),
  });

  worker.start();
  void presence.start();
  maintenance?.start();
  log.info(
    {
      jobTypes,
      concurrency: config.concurrency,
      prefetch: config.prefetch,
      leaseSeconds: config.lease,
      batch: { size: config.batchSize, delayMs: config.batchDelayMs },
      once: config.once,
      httpPort: http?.port,
    },
    'worker started',
  );
  if (config.once) void worker.whenIdle().then(() => stop('drained (--once)'));

  return { workerId, httpPort: http?.port, stop, stopped };
}
