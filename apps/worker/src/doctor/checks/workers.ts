import { type DoctorCheck, ok, problem } from '../check';

const START_ONE =
  'start one: `tessera-worker --database-url …`, or schedule the process-jobs Edge Function (README: Deploy to Supabase)';

/**
 * Whether a worker reported recently (public.queue_workers, migration 0019), and whether one can
 * run notifications when they are on: notify.email / notify.webhook run only in the Node worker.
 */
export const workersCheck: DoctorCheck = {
  id: 'workers',
  title: 'Live workers',
  async run({ db }) {
    const [present] = await db.query<{ table: boolean; window: boolean; notifications: boolean }>(
      `select to_regclass('public.queue_workers') is not null as table,
              to_regprocedure('tessera.worker_alive_window()') is not null as window,
              to_regclass('public.notification_settings') is not null as notifications`,
    );
    if (!present?.table) {
      return problem(
        'warn',
        'unknown: this database has no public.queue_workers table, so workers cannot report',
        'apply the migrations up to 0019_queue_workers.sql (`supabase db push`)',
      );
    }
    // The liveness window is defined once, in SQL; 2 minutes if that function is missing.
    const window = present.window ? 'tessera.worker_alive_window()' : "interval '2 minutes'";
    const rows = await db.query<{ kind: string; alive: number; last_seen: number | null }>(
      `select kind,
              count(*) filter (where stopped_at is null and last_seen_at > now() - ${window})::int as alive,
              extract(epoch from now() - max(last_seen_at))::int as last_seen
         from public.queue_workers group by kind order by kind`,
    );
    const alive = new Map(rows.filter((row) => row.alive > 0).map((row) => [row.kind, row.alive]));
    const lastSeen = rows.length > 0 ? Math.min(...rows.map((row) => row.last_seen ?? Infinity)) : null;
    const seen = lastSeen === null ? 'never' : `${lastSeen} s ago`;
    const counts = [...alive].map(([kind, n]) => `${kind} ${n}`).join(', ');
    if (alive.size === 0) return problem('warn', `no live worker (last report: ${seen}): jobs wait until one runs`, START_ONE);
    if (!alive.has('node') && !alive.has('edge')) {
      return problem(
        'warn',
        `only browser workers are live (${counts}): a job runs only while its owner's tab is open, server-only types not at all`,
        START_ONE,
      );
    }
    if (!alive.has('node') && present.notifications) {
      const [settings] = await db.query<{ on: boolean }>(
        `select coalesce(bool_or(email_on_completed or email_on_failed or webhook_on_completed or webhook_on_failed), false) as on
           from public.notification_settings`,
      );
      if (settings?.on) {
        return problem(
          'warn',
          `notifications are on but no Node worker is live (${counts}): notify.email and notify.webhook jobs wait`,
          'run `tessera-worker` with SMTP_URL/SMTP_FROM and/or WEBHOOK_SECRET (the Edge Function does not send notifications)',
        );
      }
    }
    return ok(`live workers: ${counts} (last report ${seen})`);
  },
};
