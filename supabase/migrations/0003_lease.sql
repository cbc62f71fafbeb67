-- Tessera 0003: the lease life cycle. claim_jobs / get_next_job take jobs, heartbeat_job
-- extends the lease, complete_job / fail_job finish them, release_jobs hands them back.

create or replace function tessera.check_lease_args(p_worker_id text, p_lease_seconds integer)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_worker_id is null or length(p_worker_id) < 1 or length(p_worker_id) > 200 then
    raise exception 'worker_id must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_lease_seconds is null or p_lease_seconds < 1 or p_lease_seconds > 86400 then
    raise exception 'lease_seconds must be between 1 and 86400, got %', p_lease_seconds
      using errcode = '22023';
  end if;
end
$$;

-- Does this caller hold the job's lease? A lease taken by the service role belongs to the
-- service role only; a user's worker only ever touches that user's jobs (locked_by is public).
create or replace function tessera.holds_lease(
  p_job public.job_queue,
  p_worker_id text,
  p_uid uuid,
  p_service boolean
) returns boolean
language sql immutable
set search_path = ''
as $$
  select p_job.status = 'processing'
     and p_job.locked_by = p_worker_id
     and case when p_service then p_job.locked_by_service
              else not p_job.locked_by_service and p_job.user_id = p_uid end
$$;

create or replace function tessera.raise_lease_lost(p_job_id uuid, p_worker_id text) returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'lease lost'
    using errcode = 'P0001',
      detail = format('job %s is not leased by worker %s (it finished, expired and was reclaimed, or never existed)',
        p_job_id, p_worker_id);
end
$$;

-- Retry delay after failed attempt n (1-based), in seconds:
--   delay = least(3600, 2 * 2^(n-1) * jitter), jitter uniform in [0.75, 1.25)
-- i.e. about 2 s, 4 s, 8 s, ... capped at one hour; the jitter spreads retries of jobs that
-- failed together so they do not come back as a herd.
create or replace function tessera.backoff_delay(p_attempt integer) returns interval
language sql volatile
set search_path = ''
as $$
  select make_interval(secs => least(3600, 2 * power(2, greatest(p_attempt, 1) - 1) * (0.75 + random() * 0.5)))
$$;

-- One statement claims the batch: ready pending jobs and jobs whose lease expired, each
-- locked with skip locked so concurrent workers never take the same row.
create or replace function public.claim_jobs(
  p_worker_id text,
  p_limit integer default 1,
  p_job_types text[] default null,
  p_lease_seconds integer default 300
) returns setof public.job_queue
language plpgsql volatile
security definer
set search_path = ''
-- Plan with the caller's values: the owner predicate then folds away and each caller kind
-- (service: any owner; user: own rows) gets the partial index that fits it.
set plan_cache_mode = force_custom_plan
rows 10
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_lease interval := make_interval(secs => p_lease_seconds);
  v_owner uuid;
begin
  perform tessera.check_lease_args(p_worker_id, p_lease_seconds);
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'limit must be between 1 and 1000, got %', p_limit using errcode = '22023';
  end if;
  if exists (select 1 from public.queue_pauses where job_type = '*') then
    return;
  end if;
  -- Users claim only their own jobs; the service role any (v_owner null).
  v_owner := case when v_service then null else v_uid end;
  return query
  with ready as materialized (
    select j.id, j.priority, j.run_at
      from public.job_queue j
     where j.status = 'pending'
       and j.run_at <= now()
       and ((v_owner is null) or j.user_id = v_owner)
       and (p_job_types is null or j.job_type = any (p_job_types))
       and not exists (select 1 from public.queue_pauses q where q.job_type = j.job_type)
     order by j.priority, j.run_at, j.id
     limit p_limit
       for update of j skip locked
  ), expired as materialized (
    select j.id, j.priority, j.run_at
      from public.job_queue j
     where j.status = 'processing'
       and j.locked_until < now()
       and j.attempts < j.max_attempts
       and not j.cancel_requested
       and ((v_owner is null) or j.user_id = v_owner)
       and (p_job_types is null or j.job_type = any (p_job_types))
       and not exists (select 1 from public.queue_pauses q where q.job_type = j.job_type)
     order by j.locked_until
     limit p_limit
       for update of j skip locked
  ), chosen as (
    select c.id
      from (select * from ready union all select * from expired) c
     order by c.priority, c.run_at, c.id
     limit p_limit
  )
  update public.job_queue j
     set status = 'processing',
         attempts = j.attempts + 1,
         locked_by = p_worker_id,
         locked_by_service = v_service,
         locked_until = now() + v_lease,
         progress = 0,
         started_at = now(),
         updated_at = now()
    from chosen c
   where j.id = c.id
  returning j.*;
end
$$;

-- The seeds' name for a single claim.
create or replace function public.get_next_job(
  p_worker_id text,
  p_job_types text[] default null,
  p_lease_seconds integer default 300
) returns setof public.job_queue
language sql volatile
security definer
set search_path = ''
as $$
  select * from public.claim_jobs(p_worker_id, 1, p_job_types, p_lease_seconds)
$$;

-- Extends the lease and records progress; returns cancel_requested so the worker can abort.
create or replace function public.heartbeat_job(
  p_job_id uuid,
  p_worker_id text,
  p_progress integer default null,
  p_lease_seconds integer default 300
) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_cancel boolean;
begin
  perform tessera.check_lease_args(p_worker_id, p_lease_seconds);
  if p_progress is not null and (p_progress < 0 or p_progress > 100) then
    raise exception 'progress must be between 0 and 100, got %', p_progress using errcode = '22023';
  end if;
  update public.job_queue j
     set locked_until = now() + make_interval(secs => p_lease_seconds),
         progress = coalesce(p_progress, j.progress),
         updated_at = now()
   where j.id = p_job_id
     and tessera.holds_lease(j, p_worker_id, v_uid, v_service)
  returning j.cancel_requested into v_cancel;
  if not found then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  return v_cancel;
end
$$;

create or replace function public.complete_job(
  p_job_id uuid,
  p_worker_id text,
  p_result jsonb default null
) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_job public.job_queue;
begin
  if p_result is not null and octet_length(p_result::text) > 1048576 then
    raise exception 'result is larger than 1 MiB' using errcode = '22023',
      hint = 'store large results elsewhere and return a reference';
  end if;
  update public.job_queue j
     set status = 'completed',
         result = p_result,
         progress = 100,
         locked_until = null,
         completed_at = now(),
         updated_at = now()
   where j.id = p_job_id
     and tessera.holds_lease(j, p_worker_id, v_uid, v_service)
  returning j.* into v_job;
  if not found then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  return v_job;
end
$$;

-- Records the attempt's error. Then: cancelled if a cancel was requested; pending again after
-- backoff while retryable and attempts < max_attempts; otherwise failed for good.
create or replace function public.fail_job(
  p_job_id uuid,
  p_worker_id text,
  p_error text,
  p_retryable boolean default true
) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_message text := left(coalesce(nullif(btrim(p_error), ''), 'unknown error'), 4000);
  v_job public.job_queue;
begin
  update public.job_queue j
     set status = case
           when j.cancel_requested then 'cancelled'
           when coalesce(p_retryable, true) and j.attempts < j.max_attempts then 'pending'
           else 'failed' end,
         run_at = case
           when not j.cancel_requested and coalesce(p_retryable, true) and j.attempts < j.max_attempts
             then now() + tessera.backoff_delay(j.attempts)
           else j.run_at end,
         completed_at = case
           when not j.cancel_requested and coalesce(p_retryable, true) and j.attempts < j.max_attempts
             then null
           else now() end,
         progress = case
           when not j.cancel_requested and coalesce(p_retryable, true) and j.attempts < j.max_attempts
             then 0
           else j.progress end,
         error_message = v_message,
         errors = j.errors || jsonb_build_array(
           jsonb_build_object('attempt', j.attempts, 'at', now(), 'message', v_message, 'worker', p_worker_id)),
         locked_until = null,
         updated_at = now()
   where j.id = p_job_id
     and tessera.holds_lease(j, p_worker_id, v_uid, v_service)
  returning j.* into v_job;
  if not found then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  return v_job;
end
$$;

-- Hands leased jobs back untouched (graceful shutdown, prefetched jobs): pending again at
-- once, and the attempt does not count. Returns the ids whose lease was still held.
create or replace function public.release_jobs(
  p_job_ids uuid[],
  p_worker_id text
) returns setof uuid
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
begin
  return query
  with released as (
    update public.job_queue j
       set status = case when j.cancel_requested then 'cancelled' else 'pending' end,
           completed_at = case when j.cancel_requested then now() end,
           attempts = greatest(j.attempts - 1, 0),
           locked_until = null,
           progress = 0,
           updated_at = now()
     where j.id = any (p_job_ids)
       and tessera.holds_lease(j, p_worker_id, v_uid, v_service)
    returning j.id, j.job_type
  ), notified as (
    select pg_notify('tessera_jobs', t.job_type) from (select distinct r.job_type from released r) t
  )
  select r.id from released r left join (select count(*) from notified) n on true;
end
$$;

revoke all on function public.claim_jobs(text, integer, text[], integer) from public, anon;
revoke all on function public.get_next_job(text, text[], integer) from public, anon;
revoke all on function public.heartbeat_job(uuid, text, integer, integer) from public, anon;
revoke all on function public.complete_job(uuid, text, jsonb) from public, anon;
revoke all on function public.fail_job(uuid, text, text, boolean) from public, anon;
revoke all on function public.release_jobs(uuid[], text) from public, anon;
grant execute on function public.claim_jobs(text, integer, text[], integer) to authenticated, service_role;
grant execute on function public.get_next_job(text, text[], integer) to authenticated, service_role;
grant execute on function public.heartbeat_job(uuid, text, integer, integer) to authenticated, service_role;
grant execute on function public.complete_job(uuid, text, jsonb) to authenticated, service_role;
grant execute on function public.fail_job(uuid, text, text, boolean) to authenticated, service_role;
grant execute on function public.release_jobs(uuid[], text) to authenticated, service_role;
