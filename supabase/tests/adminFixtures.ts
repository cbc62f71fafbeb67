import type { QueueHarness } from '../../packages/queue/test/support/harness';

/** A job row put in place by SQL, in any state, without running a worker. */
export interface JobSeed {
  jobType?: string;
  state?: 'pending' | 'scheduled' | 'processing' | 'completed' | 'failed' | 'cancelled';
  userId?: string | null;
  error?: string;
  jobKey?: string;
  /** Seconds ago it was created (and finished, for final states); default 60. */
  ageSeconds?: number;
}

/** Inserts jobs as the superuser; returns their ids in order. Timestamps are distinct on purpose. */
export async function seedJobs(h: QueueHarness, seeds: readonly JobSeed[]): Promise<string[]> {
  const ids: string[] = [];
  for (const seed of seeds) {
    const state = seed.state ?? 'pending';
    const status = state === 'scheduled' ? 'pending' : state;
    const [row] = await h.sql<{ id: string }>(
      `insert into public.job_queue (job_type, status, user_id, job_key, attempts, run_at, locked_by, locked_until,
                                     error_message, errors, created_at, completed_at)
       values ($1, $2, $3, $4,
               case when $2 in ('processing', 'failed') then 1 else 0 end,
               case when $5 then now() + interval '1 hour' else now() - make_interval(secs => $7) end,
               case when $2 = 'processing' then 'seed-worker' end,
               case when $2 = 'processing' then now() + interval '5 minutes' end,
               $6::text,
               case when $6::text is null then '[]'::jsonb
                    else jsonb_build_array(jsonb_build_object('attempt', 1, 'at', now(), 'message', $6::text)) end,
               now() - make_interval(secs => $7),
               case when $2 in ('completed', 'failed', 'cancelled') then now() - make_interval(secs => $7) end)
       returning id`,
      [
        seed.jobType ?? 'report.build',
        status,
        seed.userId ?? null,
        seed.jobKey ?? null,
        state === 'scheduled',
        seed.error ?? (state === 'failed' ? 'boom' : null),
        seed.ageSeconds ?? 60 + ids.length,
      ],
    );
    ids.push(row!.id);
  }
  return ids;
}

export async function statusesOf(h: QueueHarness, ids: readonly string[]): Promise<string[]> {
  const rows = await h.sql<{ id: string; status: string }>(
    'select id, status from public.job_queue where id = any($1::uuid[])',
    [ids],
  );
  return ids.map((id) => rows.find((row) => row.id === id)?.status ?? 'deleted');
}
