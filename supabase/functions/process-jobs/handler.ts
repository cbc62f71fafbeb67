import {
  drainOnce,
  errorMessage,
  tickSchedules,
  workerHeartbeat,
  z,
  type DrainOnceResult,
  type Processors,
  type QueueClient,
  type ScheduleTickOutcome,
} from '@tessera/queue';

export interface ProcessJobsOptions {
  /** A service-role client. */
  client: QueueClient;
  processors: Processors;
  /** Bearer tokens that may trigger a run (the service role key, the shared secret). */
  secrets: readonly string[];
  /** The budget of one run; a request may ask for less, never more. */
  drain: { maxJobs: number; maxMs: number; graceMs: number; concurrency: number };
  jobTypes?: string[];
  /** Tick recurring schedules before draining (default true). */
  schedules?: boolean;
  /** This instance's id in queue_workers (kind edge). */
  workerId: string;
  version: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** What a run did, as the function answers it (JSON). */
export interface ProcessJobsReport {
  workerId: string;
  schedules:
    | { ran: number; initialized: number; skipped: number; errors: ScheduleTickOutcome['errors'] }
    | { error: string }
    | null;
  drain: Omit<DrainOnceResult, 'workerId'>;
}

const bodySchema = z
  .object({
    maxJobs: z.number().int().min(1).optional(),
    maxMs: z.number().int().min(0).optional(),
  })
  .strict();

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** Compares digests byte by byte to the end, so the time taken says nothing of the secret. */
async function tokenMatches(token: string, secrets: readonly string[]): Promise<boolean> {
  const given = await digest(token);
  let matched = false;
  for (const secret of secrets) {
    const expected = await digest(secret);
    let difference = 0;
    for (let i = 0; i < expected.length; i += 1) difference |= expected[i]! ^ given[i]!;
    matched = matched || difference === 0;
  }
  return matched;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * The process-jobs Edge Function: on an authorised POST, tick the recurring schedules, then run
 * jobs with drainOnce within the time and job budget, and answer with what happened. Meant to be
 * called every few seconds by pg_cron + pg_net (0021), or by anything that holds the secret.
 */
export function createProcessJobsHandler(options: ProcessJobsOptions): (request: Request) => Promise<Response> {
  const log = options.log ?? (() => undefined);
  const totals = { processed: 0, failed: 0 };
  let runs = 0;
  const jobTypes = options.jobTypes ?? Object.keys(options.processors);

  const report = (running: number) =>
    workerHeartbeat(options.client.transport, {
      workerId: options.workerId,
      kind: 'edge',
      version: options.version,
      running,
      processed: totals.processed,
      failed: totals.failed,
      jobTypes,
    }).catch((error: unknown) => log('worker heartbeat failed', { error: errorMessage(error) }));

  return async (request) => {
    if (request.method !== 'POST') return json(405, { error: 'POST to run the queue' });
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim();
    if (!token || !(await tokenMatches(token, options.secrets))) {
      return json(401, { error: 'authorization required: Bearer <service role key or PROCESS_JOBS_SECRET>' });
    }
    const text = await request.text();
    let asked: z.output<typeof bodySchema>;
    try {
      asked = bodySchema.parse(text.trim() ? JSON.parse(text) : {});
    } catch (error) {
      return json(400, { error: `body must be {} or {"maxJobs": n, "maxMs": n}: ${errorMessage(error)}` });
    }

    let schedules: ProcessJobsReport['schedules'] = null;
    if (options.schedules !== false) {
      try {
        const tick = await tickSchedules(options.client.transport);
        schedules = { ran: tick.ran.length, initialized: tick.initialized.length, skipped: tick.skipped.length, errors: tick.errors };
      } catch (error) {
        schedules = { error: errorMessage(error) };
        log('schedule tick failed', schedules);
      }
    }

    await report(0);
    const { workerId: runId, ...drain } = await drainOnce(options.client, options.processors, {
      ...options.drain,
      maxJobs: Math.min(options.drain.maxJobs, asked.maxJobs ?? Number.POSITIVE_INFINITY),
      maxMs: Math.min(options.drain.maxMs, asked.maxMs ?? Number.POSITIVE_INFINITY),
      jobTypes,
      // Runs of one instance may overlap (pg_cron does not wait): each holds its own leases.
      workerId: `${options.workerId}/${(runs += 1)}`,
      onError: (error) => log('worker error', { error: errorMessage(error) }),
    });
    totals.processed += drain.processed;
    totals.failed += drain.failed;
    await report(0);
    log('run finished', { runId, ...drain });
    const body: ProcessJobsReport = { workerId: runId, schedules, drain };
    // Claims failed (database unreachable): say so to pg_net's response log too.
    return json(drain.stoppedBy === 'error' ? 503 : 200, body);
  };
}
