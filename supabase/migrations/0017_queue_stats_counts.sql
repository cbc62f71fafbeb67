-- Tessera 0017: queue_stats() without counting the history on every call.
-- At 100,000 rows the admin overview's per-type counts cost 45-70 ms, nearly all of it a hash
-- aggregate over finished rows that never change. Finished counts now live in small counter rows
-- kept by triggers; live rows (pending, processing) are still counted directly through their
-- partial indexes, since "ready" versus "scheduled" depends on now().

-- One row per (job type, final status, shard). Each connection writes its own shard
-- (backend pid modulo 16), so concurrent workers never wait on one another's counter row.
create table tessera.finished_job_counts (
  job_type text not null,
  status text not null
    constraint finished_job_counts_status check (status in ('completed', 'failed', 'cancelled')),
  shard smallint not null,
  n bigint not null default 0,
  primary key (job_type, status, shard)
);
comment on table tessera.finished_job_counts is
  'Finished jobs per type and status, summed over shards; kept by triggers on public.job_queue.';

-- Updates: old and new images of the statement's rows, netted per type and status, so a claim or
-- a heartbeat (no final status on either side) writes nothing and a batch of completions writes
-- one row. Statement-level: one query per statement instead of a trigger call and upsert per row.
create or replace function tessera.count_finished_update() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into tessera.finished_job_counts as c (job_type, status, shard, n)
  select d.job_type, d.status, pg_backend_pid() % 16, sum(d.n)
    from (select r.job_type, r.status, 1 as n from new_rows r where r.status in ('completed', 'failed', 'cancelled')
          union all
          select r.job_type, r.status, -1 from old_rows r where r.status in ('completed', 'failed', 'cancelled')) d
   group by d.job_type, d.status
  having sum(d.n) <> 0
  on conflict (job_type, status, shard) do update set n = c.n + excluded.n;
  return null;
end
$$;

-- Inserts and deletes come in bulk (imports, enqueue_jobs, cleanup_jobs, delete_jobs): one grouped
-- write per statement. (Thousands of row-level upserts of one counter row inside one transaction
-- would each walk the row's growing version chain.) TG_ARGV[0] is +1 for inserts, -1 for deletes.
create or replace function tessera.count_finished_rows() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into tessera.finished_job_counts as c (job_type, status, shard, n)
  select r.job_type, r.status, pg_backend_pid() % 16, tg_argv[0]::bigint * count(*)
    from changed_rows r
   where r.status in ('completed', 'failed', 'cancelled')
   group by r.job_type, r.status
  on conflict (job_type, status, shard) do update set n = c.n + excluded.n;
  return null;
end
$$;

create or replace function tessera.reset_finished_counts() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from tessera.finished_job_counts;
  return null;
end
$$;

-- Triggers and the first count in one statement: the table lock is held until both are done, so
-- no write is counted twice or missed, whether or not the migration runs inside a transaction.
do $migration$
begin
  lock table public.job_queue in share row exclusive mode;

  create trigger job_queue_count_finished_insert
    after insert on public.job_queue
    referencing new table as changed_rows
    for each statement
    execute function tessera.count_finished_rows('1');

  create trigger job_queue_count_finished_update
    after update on public.job_queue
    referencing old table as old_rows new table as new_rows
    for each statement
    execute function tessera.count_finished_update();

  create trigger job_queue_count_finished_delete
    after delete on public.job_queue
    referencing old table as changed_rows
    for each statement
    execute function tessera.count_finished_rows('-1');

  create trigger job_queue_count_finished_truncate
    after truncate on public.job_queue
    for each statement
    execute function tessera.reset_finished_counts();

  insert into tessera.finished_job_counts (job_type, status, shard, n)
  select job_type, status, 0, count(*)
    from public.job_queue
   where status in ('completed', 'failed', 'cancelled')
   group by job_type, status;
end
$migration$;

-- An admin sees every type: finished counts from the counters, live counts from the live rows.
-- A user sees only their own rows, few enough to count directly (through the per-user index).
create or replace function public.queue_stats()
returns table (
  job_type text,
  pending bigint,
  scheduled bigint,
  processing bigint,
  completed bigint,
  failed bigint,
  cancelled bigint,
  oldest_pending_seconds double precision,
  paused boolean
)
language plpgsql stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := tessera.require_caller();
  v_all boolean := public.is_queue_admin();
begin
  if not v_all then
    return query
    select j.job_type,
           count(*) filter (where j.status = 'pending' and j.run_at <= now()),
           count(*) filter (where j.status = 'pending' and j.run_at > now()),
           count(*) filter (where j.status = 'processing'),
           count(*) filter (where j.status = 'completed'),
           count(*) filter (where j.status = 'failed'),
           count(*) filter (where j.status = 'cancelled'),
           extract(epoch from now() - min(j.run_at) filter (where j.status = 'pending' and j.run_at <= now()))::double precision,
           exists (select 1 from public.queue_pauses q where q.job_type in (j.job_type, '*'))
      from public.job_queue j
     where j.user_id = v_uid
     group by j.job_type
     order by j.job_type;
    return;
  end if;

  return query
  with live as (
    select j.job_type,
           count(*) filter (where j.status = 'pending' and j.run_at <= now()) as pending,
           count(*) filter (where j.status = 'pending' and j.run_at > now()) as scheduled,
           count(*) filter (where j.status = 'processing') as processing,
           min(j.run_at) filter (where j.status = 'pending' and j.run_at <= now()) as oldest_ready
      from public.job_queue j
     where j.status in ('pending', 'processing')
     group by j.job_type
  ), finished as (
    select c.job_type,
           sum(c.n) filter (where c.status = 'completed') as completed,
           sum(c.n) filter (where c.status = 'failed') as failed,
           sum(c.n) filter (where c.status = 'cancelled') as cancelled
      from tessera.finished_job_counts c
     group by c.job_type
    having sum(c.n) <> 0
  )
  select t.job_type,
         coalesce(l.pending, 0),
         coalesce(l.scheduled, 0),
         coalesce(l.processing, 0),
         coalesce(f.completed, 0)::bigint,
         coalesce(f.failed, 0)::bigint,
         coalesce(f.cancelled, 0)::bigint,
         extract(epoch from now() - l.oldest_ready)::double precision,
         exists (select 1 from public.queue_pauses q where q.job_type in (t.job_type, '*'))
    from (select live.job_type from live union select finished.job_type from finished) t
    left join live l on l.job_type = t.job_type
    left join finished f on f.job_type = t.job_type
   order by t.job_type;
end
$$;
