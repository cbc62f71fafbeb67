import type { QueueHarness } from '../support/harness';

/** Tables the RPCs write; every CHECK constraint on them is re-run over every row. */
const CHECKED_TABLES = [
  'public.job_queue',
  'public.queue_pauses',
  'public.events',
  'public.event_registrations',
  'public.certificates',
];

interface CheckRow {
  table_name: string;
  name: string;
  expression: string;
}

/**
 * One select that counts, per CHECK constraint, the rows violating it. A CHECK holds when its
 * expression is true or null, so a violation is `(expression) is false`. The expressions come
 * from pg_constraint, so constraints added by later migrations are checked too.
 */
export async function buildInvariantQuery(h: QueueHarness): Promise<string> {
  const checks = await h.sql<CheckRow>(
    `select c.conrelid::regclass::text as table_name, c.conname as name,
            substring(pg_get_constraintdef(c.oid) from '^CHECK \\((.*)\\)$') as expression
       from pg_catalog.pg_constraint c
      where c.contype = 'c' and c.conrelid = any ($1::regclass[])
      order by 1, 2`,
    [CHECKED_TABLES],
  );
  if (checks.length < 15) throw new Error(`expected the job table's checks, found ${checks.length}`);
  const terms = checks.map(
    (check) =>
      `(select count(*) from ${check.table_name} where (${check.expression}) is false)::int as "${check.table_name}.${check.name}"`,
  );
  return `select ${terms.join(',\n       ')},
       (select count(*) from (select 1 from public.job_queue
                               where job_key is not null and status in ('pending', 'processing')
                               group by user_id, job_key having count(*) > 1) d)::int as "live job_key duplicates"`;
}

/** The check constraints (and live-key uniqueness) that some row violates, with counts. */
export async function violations(h: QueueHarness, query: string): Promise<Record<string, number>> {
  const [row] = await h.sql<Record<string, number>>(query);
  return Object.fromEntries(Object.entries(row ?? {}).filter(([, count]) => count !== 0));
}

/** The tables still exist (a stray `drop table` in an argument must stay an argument). */
export async function missingTables(h: QueueHarness): Promise<string[]> {
  const rows = await h.sql<{ name: string; oid: string | null }>(
    'select t as name, to_regclass(t)::text as oid from unnest($1::text[]) t',
    [CHECKED_TABLES],
  );
  return rows.filter((row) => row.oid === null).map((row) => row.name);
}

/**
 * A digest of everything an RPC can change (each row's identity, state and last update; pauses;
 * certificates). Equal before and after a call = the call wrote nothing.
 */
export const FINGERPRINT_QUERY = `
select (select count(*) from public.job_queue)::int as jobs,
       (select coalesce(md5(string_agg(concat_ws('|', j.id, j.status, j.updated_at, j.attempts, j.locked_by,
                 j.locked_until, j.cancel_requested, j.progress, octet_length(j.payload::text),
                 md5(coalesce(j.result::text, '')), j.error_message), ',' order by j.id)), '')
          from public.job_queue j) as job_queue,
       (select coalesce(string_agg(p.job_type, ',' order by p.job_type), '') from public.queue_pauses p) as pauses,
       (select coalesce(md5(string_agg(concat_ws('|', c.id, c.job_id, c.issued_at, octet_length(c.pdf)), ',' order by c.id)), '')
          from public.certificates c) as certificates`;

export async function fingerprint(h: QueueHarness): Promise<Record<string, unknown>> {
  const [row] = await h.sql<Record<string, unknown>>(FINGERPRINT_QUERY);
  return row ?? {};
}
