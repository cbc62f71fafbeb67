-- Tessera 0011: what the admin dashboard needs. A filtered job list (type, owner, error text)
-- keyset-paged, throughput per time bucket, bulk retry/cancel/delete/run-now by ids or by
-- filter, promote_job, and run_maintenance: the maintenance pg_cron schedules, for a Node
-- worker to run instead when pg_cron is absent (one runner at a time).
-- Every function here is admin only (admins and the service role): 42501 for anyone else.

-- The list's states: the five statuses, with pending split as the overview counts it:
-- pending = ready to run now, scheduled = pending with run_at in the future.
create or replace function tessera.check_admin_states(p_states text[]) returns void
language plpgsql immutable
set search_path = ''
as $$
declare
  v_bad text;
begin
  select s into v_bad from unnest(p_states) s
   where s is null or s not in ('pending', 'scheduled', 'processing', 'completed', 'failed', 'cancelled')
   limit 1;
  if found then
    raise exception 'unknown state %: use pending, scheduled, processing, completed, failed or cancelled',
      coalesce(quote_literal(v_bad), 'null') using errcode = '22023';
  end if;
end
$$;

-- A LIKE pattern matching p_text anywhere, its wildcards taken literally.
create or replace function tessera.contains_pattern(p_text text) returns text
language sql immutable
set search_path = ''
as $$
  select '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- Validates the filter arguments shared by the list and the bulk actions.
create or replace function tessera.check_admin_filter(
  p_job_ids uuid[],
  p_states text[],
  p_job_type text,
  p_user_id uuid,
  p_error_contains text
) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  perform tessera.check_admin_states(p_states);
  if p_job_type is not null then
    perform tessera.check_job_type(p_job_type);
  end if;
  if p_error_contains is not null and length(p_error_contains) > 200 then
    raise exception 'error text filter is at most 200 characters' using errcode = '22023';
  end if;
  if cardinality(p_job_ids) > 10000 then
    raise exception 'at most 10000 job ids per call, got %', cardinality(p_job_ids) using errcode = '22023';
  end if;
end
$$;

-- Ids of the jobs a bulk action targets: every given criterion must hold (ids, states, type,
-- owner, error text). Locked, so concurrent workers and admins wait for the action to finish.
create or replace function tessera.admin_target_jobs(
  p_job_ids uuid[],
  p_states text[],
  p_job_type text,
  p_user_id uuid,
  p_error_contains text
) returns setof uuid
language plpgsql volatile
set search_path = ''
as $$
begin
  perform tessera.check_admin_filter(p_job_ids, p_states, p_job_type, p_user_id, p_error_contains);
  if p_job_ids is null and p_states is null and p_job_type is null and p_user_id is null
     and nullif(p_error_contains, '') is null then
    raise exception 'give job ids or a filter (states, job type, user or error text)'
      using errcode = '22023', hint = 'an action on every job is not offered on purpose';
  end if;
  return query
  select j.id
    from public.job_queue j
   where (p_job_ids is null or j.id = any (p_job_ids))
     and (p_states is null
          or (j.status = 'pending' and j.run_at <= now() and 'pending' = any (p_states))
          or (j.status = 'pending' and j.run_at > now() and 'scheduled' = any (p_states))
          or (j.status <> 'pending' and j.status = any (p_states)))
     and (p_job_type is null or j.job_type = p_job_type)
     and (p_user_id is null or j.user_id = p_user_id)
     and (nullif(p_error_contains, '') is null
          or j.error_message ilike tessera.contains_pattern(p_error_contains)
          or exists (select 1 from jsonb_array_elements(j.errors) e
                      where e ->> 'message' ilike tessera.contains_pattern(p_error_contains)))
     for update of j;
end
$$;

-- Every job (admin), newest first, keyset-paged by (created_at, id): pass the last row's
-- created_at and id for the next page. Filters: states, job type, owner, text in any error.
create or replace function public.admin_list_jobs(
  p_statuses text[] default null,
  p_job_type text default null,
  p_user_id uuid default null,
  p_error_contains text default null,
  p_limit integer default 50,
  p_before timestamptz default null,
  p_before_id uuid default null
) returns setof public.job_queue
language plpgsql stable
security definer
set search_path = ''
-- Planned with the caller's values: absent filters fold away and the per-state partial
-- indexes below become usable (their predicates must be provable from constants).
set plan_cache_mode = force_custom_plan
as $$
declare
  v_before timestamptz := p_before;
begin
  perform tessera.require_admin();
  perform tessera.check_admin_filter(null, p_statuses, p_job_type, p_user_id, p_error_contains);
  -- Clients keep timestamps to the millisecond (JavaScript dates), created_at has microseconds:
  -- the last row's exact created_at makes the page boundary exact.
  if p_before_id is not null then
    select coalesce(j.created_at, p_before) into v_before from public.job_queue j where j.id = p_before_id;
    v_before := coalesce(v_before, p_before);
  end if;
  if p_limit is null or p_limit < 1 or p_limit > 500 then
    raise exception 'limit must be between 1 and 500, got %', p_limit using errcode = '22023';
  end if;
  return query
  select j.*
    from public.job_queue j
   where (p_statuses is null
          or (j.status = 'pending' and j.run_at <= now() and 'pending' = any (p_statuses))
          or (j.status = 'pending' and j.run_at > now() and 'scheduled' = any (p_statuses))
          or (j.status <> 'pending' and j.status = any (p_statuses)))
     and (p_job_type is null or j.job_type = p_job_type)
     and (p_user_id is null or j.user_id = p_user_id)
     and (nullif(p_error_contains, '') is null
          or j.error_message ilike tessera.contains_pattern(p_error_contains)
          or exists (select 1 from jsonb_array_elements(j.errors) e
                      where e ->> 'message' ilike tessera.contains_pattern(p_error_contains)))
     and (v_before is null
          or (p_before_id is null and j.created_at < v_before)
          or (p_before_id is not null and (j.created_at, j.id) < (v_before, p_before_id)))
   order by j.created_at desc, j.id desc
   limit p_limit;
end
$$;

-- Jobs enqueued and finished per time bucket since p_since (default: the last hour), every
-- bucket present (zeros included) so a chart needs no gap filling. Buckets are aligned to the
-- epoch, so two calls agree on their edges.
create or replace function public.queue_throughput(
  p_since timestamptz default null,
  p_bucket interval default interval '1 minute'
) returns table (
  bucket_start timestamptz,
  enqueued bigint,
  completed bigint,
  failed bigint,
  cancelled bigint
)
language plpgsql stable
security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
#variable_conflict use_column
declare
  v_since timestamptz := coalesce(p_since, now() - interval '1 hour');
  v_start timestamptz;
begin
  perform tessera.require_admin();
  if p_bucket is null or extract(year from p_bucket) <> 0 or extract(month from p_bucket) <> 0
     or p_bucket < interval '1 second' or p_bucket > interval '1 day' then
    raise exception 'bucket must be between 1 second and 1 day (no months), got %', p_bucket
      using errcode = '22023';
  end if;
  if v_since > now() then
    raise exception 'since must not be in the future, got %', v_since using errcode = '22023';
  end if;
  if extract(epoch from now() - v_since) / extract(epoch from p_bucket) > 1440 then
    raise exception 'at most 1440 buckets per call: widen the bucket or shorten the period'
      using errcode = '22023';
  end if;
  v_start := date_bin(p_bucket, v_since, timestamptz '1970-01-01 00:00:00+00');
  return query
  with buckets as (
    select b as bucket_start from generate_series(v_start, now(), p_bucket) b
  ), finished as (
    select date_bin(p_bucket, j.completed_at, timestamptz '1970-01-01 00:00:00+00') as bucket_start,
           count(*) filter (where j.status = 'completed') as completed,
           count(*) filter (where j.status = 'failed') as failed,
           count(*) filter (where j.status = 'cancelled') as cancelled
      from public.job_queue j
     where j.status in ('completed', 'failed', 'cancelled')
       and j.completed_at >= v_start
     group by 1
  ), created as (
    select date_bin(p_bucket, j.created_at, timestamptz '1970-01-01 00:00:00+00') as bucket_start,
           count(*) as enqueued
      from public.job_queue j
     where j.created_at >= v_start
     group by 1
  )
  select b.bucket_start,
         coalesce(c.enqueued, 0),
         coalesce(f.completed, 0),
         coalesce(f.failed, 0),
         coalesce(f.cancelled, 0)
    from buckets b
    left join finished f on f.bucket_start = b.bucket_start
    left join created c on c.bucket_start = b.bucket_start
   order by b.bucket_start;
end
$$;

-- Failed or cancelled → pending from attempt 1, as retry_job does. A job whose job_key is live
-- again (or repeated among the targets) is skipped, not an error: only the newest of a key runs.
create or replace function public.retry_jobs(
  p_job_ids uuid[] default null,
  p_statuses text[] default null,
  p_job_type text default null,
  p_user_id uuid default null,
  p_error_contains text default null
) returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  perform tessera.require_admin();
  with targets as (
    select j.*
      from public.job_queue j
     where j.id in (select t from tessera.admin_target_jobs(p_job_ids, p_statuses, p_job_type, p_user_id, p_error_contains) t)
       and j.status in ('failed', 'cancelled')
  ), runnable as (
    select t.id from targets t where t.job_key is null
    union all
    select k.id from (
      select distinct on (t.user_id, t.job_key) t.id, t.user_id, t.job_key
        from targets t
       where t.job_key is not null
       order by t.user_id, t.job_key, t.created_at desc, t.id desc
    ) k
     where not exists (select 1 from public.job_queue l
                        where l.user_id is not distinct from k.user_id and l.job_key = k.job_key
                          and l.status in ('pending', 'processing'))
  ), retried as (
    update public.job_queue j
       set status = 'pending', attempts = 0, run_at = now(), progress = 0, cancel_requested = false,
           completed_at = null, result = null, updated_at = now()
      from runnable r
     where j.id = r.id
    returning j.job_type
  ), notified as (
    select pg_notify('tessera_jobs', t.job_type) from (select distinct r.job_type from retried r) t
  )
  select count(*) into v_count from retried left join (select count(*) from notified) n on true;
  return v_count;
exception when unique_violation then
  -- A worker's enqueue made a key live between our check and the update.
  raise exception 'cannot retry: a job with the same job_key became pending meanwhile; try again'
    using errcode = '23505';
end
$$;

-- Pending (and scheduled) → cancelled; running → cancel_requested (its worker aborts at the
-- next heartbeat). Returns how many jobs changed.
create or replace function public.cancel_jobs(
  p_job_ids uuid[] default null,
  p_statuses text[] default null,
  p_job_type text default null,
  p_user_id uuid default null,
  p_error_contains text default null
) returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  perform tessera.require_admin();
  update public.job_queue j
     set status = case when j.status = 'pending' then 'cancelled' else j.status end,
         completed_at = case when j.status = 'pending' then now() else j.completed_at end,
         cancel_requested = j.cancel_requested or j.status = 'processing',
         updated_at = now()
   where j.id in (select t from tessera.admin_target_jobs(p_job_ids, p_statuses, p_job_type, p_user_id, p_error_contains) t)
     and (j.status = 'pending' or (j.status = 'processing' and not j.cancel_requested));
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Deletes the targeted jobs that are not running. Returns how many.
create or replace function public.delete_jobs(
  p_job_ids uuid[] default null,
  p_statuses text[] default null,
  p_job_type text default null,
  p_user_id uuid default null,
  p_error_contains text default null
) returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  perform tessera.require_admin();
  delete from public.job_queue j
   where j.id in (select t from tessera.admin_target_jobs(p_job_ids, p_statuses, p_job_type, p_user_id, p_error_contains) t)
     and j.status <> 'processing';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Runs delayed (scheduled) jobs now. Returns how many.
create or replace function public.promote_jobs(
  p_job_ids uuid[] default null,
  p_statuses text[] default null,
  p_job_type text default null,
  p_user_id uuid default null,
  p_error_contains text default null
) returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  perform tessera.require_admin();
  with promoted as (
    update public.job_queue j
       set run_at = now(), updated_at = now()
     where j.id in (select t from tessera.admin_target_jobs(p_job_ids, p_statuses, p_job_type, p_user_id, p_error_contains) t)
       and j.status = 'pending' and j.run_at > now()
    returning j.job_type
  ), notified as (
    select pg_notify('tessera_jobs', t.job_type) from (select distinct p.job_type from promoted p) t
  )
  select count(*) into v_count from promoted left join (select count(*) from notified) n on true;
  return v_count;
end
$$;

-- One delayed job runs now (a job already due is returned unchanged); workers are woken.
create or replace function public.promote_job(p_job_id uuid) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_job public.job_queue;
begin
  perform tessera.require_admin();
  v_job := tessera.lock_visible_job(p_job_id);
  if v_job.status <> 'pending' then
    raise exception 'cannot run a % job now: only pending (delayed) jobs can be promoted', v_job.status
      using errcode = '55000';
  end if;
  if v_job.run_at > now() then
    update public.job_queue j set run_at = now(), updated_at = now()
     where j.id = p_job_id
    returning j.* into v_job;
  end if;
  perform pg_notify('tessera_jobs', v_job.job_type);
  return v_job;
end
$$;

-- Maintenance without pg_cron. Any number of Node workers call run_maintenance on a timer;
-- a transaction-scoped advisory lock lets one run at a time, and the last runs recorded here
-- make each task run once per period however many workers call.
create table if not exists tessera.maintenance_runs (
  task text primary key constraint maintenance_runs_task_known check (task in ('requeue_stalled', 'cleanup_jobs')),
  last_run_at timestamptz not null,
  last_result integer not null
);
comment on table tessera.maintenance_runs is 'When run_maintenance last ran each task, and how many jobs it touched.';
revoke all on tessera.maintenance_runs from public;

-- The advisory lock key of run_maintenance ('tessera' in ASCII), for tests and operators.
create or replace function tessera.maintenance_lock_key() returns bigint
language sql immutable
set search_path = ''
as $$ select 32762643830108769::bigint $$;

-- Due when never run, or last run at least p_every ago (5% early is fine: timers drift).
create or replace function tessera.maintenance_due(p_task text, p_every interval) returns boolean
language sql stable
set search_path = ''
as $$
  select not exists (select 1 from tessera.maintenance_runs r
                      where r.task = p_task and r.last_run_at > now() - p_every * 0.95)
$$;

create or replace function tessera.record_maintenance(p_task text, p_result integer) returns void
language sql volatile
set search_path = ''
as $$
  insert into tessera.maintenance_runs (task, last_run_at, last_result) values (p_task, now(), p_result)
  on conflict (task) do update set last_run_at = excluded.last_run_at, last_result = excluded.last_result
$$;

-- requeue_stalled() every p_requeue_every, cleanup_jobs(p_cleanup_older_than) every
-- p_cleanup_every (null: never). Returns null when another runner holds the lock, else
-- {requeued, cleaned, ran_at}: a task that was not due is null.
create or replace function public.run_maintenance(
  p_cleanup_older_than interval default interval '7 days',
  p_requeue_every interval default interval '1 minute',
  p_cleanup_every interval default interval '1 day'
) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_requeued integer;
  v_cleaned integer;
begin
  perform tessera.require_admin();
  if p_requeue_every is null or p_requeue_every <= interval '0'
     or p_cleanup_every is null or p_cleanup_every <= interval '0' then
    raise exception 'maintenance periods must be positive intervals' using errcode = '22023';
  end if;
  if not pg_try_advisory_xact_lock(tessera.maintenance_lock_key()) then
    return null;
  end if;
  if tessera.maintenance_due('requeue_stalled', p_requeue_every) then
    v_requeued := public.requeue_stalled();
    perform tessera.record_maintenance('requeue_stalled', v_requeued);
  end if;
  if p_cleanup_older_than is not null and tessera.maintenance_due('cleanup_jobs', p_cleanup_every) then
    v_cleaned := public.cleanup_jobs(p_cleanup_older_than);
    perform tessera.record_maintenance('cleanup_jobs', v_cleaned);
  end if;
  return jsonb_build_object('requeued', v_requeued, 'cleaned', v_cleaned, 'ran_at', now());
end
$$;

-- Who runs maintenance: 'pg_cron' when this database has Tessera's pg_cron jobs (0012), so
-- Node workers leave it alone; else 'worker'.
create or replace function public.maintenance_mode() returns text
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_scheduled boolean := false;
begin
  perform tessera.require_admin();
  if to_regclass('cron.job') is not null then
    execute $sql$select exists (select 1 from cron.job
                                 where jobname in ('tessera-requeue-stalled', 'tessera-cleanup-jobs') and active)$sql$
      into v_scheduled;
  end if;
  return case when v_scheduled then 'pg_cron' else 'worker' end;
end
$$;

-- Indexes for the dashboard at scale (see docs/admin.md for the measurements): the per-state
-- job lists walk a partial index in (created_at, id) order instead of sorting the state's rows;
-- throughput reads finished rows of the period from an index that carries status.
create index if not exists job_queue_pending_history_idx on public.job_queue (created_at desc, id desc)
  where status = 'pending';
create index if not exists job_queue_processing_history_idx on public.job_queue (created_at desc, id desc)
  where status = 'processing';
create index if not exists job_queue_failed_history_idx on public.job_queue (created_at desc, id desc)
  where status = 'failed';
create index if not exists job_queue_cancelled_history_idx on public.job_queue (created_at desc, id desc)
  where status = 'cancelled';
create index if not exists job_queue_finished_status_idx on public.job_queue (completed_at) include (status)
  where status in ('completed', 'failed', 'cancelled');

revoke all on function public.admin_list_jobs(text[], text, uuid, text, integer, timestamptz, uuid) from public, anon;
revoke all on function public.queue_throughput(timestamptz, interval) from public, anon;
revoke all on function public.retry_jobs(uuid[], text[], text, uuid, text) from public, anon;
revoke all on function public.cancel_jobs(uuid[], text[], text, uuid, text) from public, anon;
revoke all on function public.delete_jobs(uuid[], text[], text, uuid, text) from public, anon;
revoke all on function public.promote_jobs(uuid[], text[], text, uuid, text) from public, anon;
revoke all on function public.promote_job(uuid) from public, anon;
revoke all on function public.run_maintenance(interval, interval, interval) from public, anon;
revoke all on function public.maintenance_mode() from public, anon;
grant execute on function public.admin_list_jobs(text[], text, uuid, text, integer, timestamptz, uuid) to authenticated, service_role;
grant execute on function public.queue_throughput(timestamptz, interval) to authenticated, service_role;
grant execute on function public.retry_jobs(uuid[], text[], text, uuid, text) to authenticated, service_role;
grant execute on function public.cancel_jobs(uuid[], text[], text, uuid, text) to authenticated, service_role;
grant execute on function public.delete_jobs(uuid[], text[], text, uuid, text) to authenticated, service_role;
grant execute on function public.promote_jobs(uuid[], text[], text, uuid, text) to authenticated, service_role;
grant execute on function public.promote_job(uuid) to authenticated, service_role;
grant execute on function public.run_maintenance(interval, interval, interval) to authenticated, service_role;
grant execute on function public.maintenance_mode() to authenticated, service_role;
