// The process-jobs Edge Function (Deno): Tessera's worker for projects without a server of their
// own. pg_cron + pg_net call it every 10 seconds (migration 0021); each call ticks the recurring
// schedules, then runs jobs with drainOnce within its budget and answers with what it did.
// Environment: see config.ts and the README ("Running without a server").
import { createClient } from '@supabase/supabase-js';
import { QueueClient } from '@tessera/queue';
import { SupabaseTransport } from '@tessera/queue/supabase';
import { readEdgeConfig } from './config.ts';
import { createProcessJobsHandler } from './handler.ts';
import { edgeProcessors } from './processors.ts';

const VERSION = 'process-jobs/0.1.0';

let config;
try {
  config = readEdgeConfig(Deno.env.toObject());
} catch (error) {
  // Refuse to start: a function that guessed would print QR codes and links nobody can open.
  console.error((error as Error).message);
  throw error;
}

// The service role over supabase-js (PostgREST): what Supabase gives every Edge Function, and
// HTTP only, so no connection pool to size (SUPABASE_DB_URL would need one per instance).
const supabase = createClient(config.supabaseUrl, config.serviceRoleKey, {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
});
const transport = new SupabaseTransport(supabase);
const processors = await edgeProcessors(config, transport, supabase.storage);
const workerId = config.workerId ?? `edge-${crypto.randomUUID().slice(0, 8)}`;

const handler = createProcessJobsHandler({
  client: new QueueClient(transport),
  processors,
  secrets: config.secrets,
  drain: config.drain,
  jobTypes: config.jobTypes,
  schedules: config.schedules,
  workerId,
  version: VERSION,
  // eslint-disable-next-line no-console -- JSON lines on stdout are the function's logs (supabase functions logs)
  log: (message, fields) => console.log(JSON.stringify({ msg: message, workerId, ...fields })),
});

if (config.port === undefined) {
  Deno.serve(handler);
} else {
  Deno.serve(
    {
      port: config.port,
      hostname: '127.0.0.1',
      // eslint-disable-next-line no-console -- local runs and tests read the port from here
      onListen: ({ port }) => console.log(JSON.stringify({ msg: 'listening', port, workerId })),
    },
    handler,
  );
}
