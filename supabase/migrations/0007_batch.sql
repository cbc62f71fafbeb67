-- Tessera 0007: bulk forms for Node workers and bulk runs (enqueue_jobs, complete_jobs,
-- fail_jobs), and a claim_jobs whose plan is cached instead of re-planned on every call.

-- Bulk enqueue, all-or-nothing: every element is checked exactly like enqueue_job before anything
-- is written, and the first bad one rejects the call with its index (0-based, as in the JSON
-- array). Returns one row per element, in input order: the new job, or, for a job_key that is
-- already live for the caller (or repeated earlier in the same call), that live job.
create or replace function public.enqueue_jobs(p_jobs jsonb) returns setof public.job_queue
language plpgsql volatile
security definer
set search_path = ''
rows 100
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_count integer;
  v_index integer := -1;
  v_job jsonb;
  v_unknown text;
  v_ids uuid[];
  v_found uuid[];
  v_message text;
  v_detail text;
  v_hint text;
  v_state text;
begin
  if p_jobs is null or jsonb_typeof(p_jobs) <> 'array' then
    raise exception 'jobs must be a JSON array of jobs, got %', coalesce(jsonb_typeof(p_jobs), 'null')
      using errcode = '22023';
  end if;
  v_count := jsonb_array_length(p_jobs);
  if v_count > 10000 then
    raise exception 'at most 10000 jobs per call, got %', v_count using errcode = '22023',
      hint = 'split the jobs into several calls';
  end if;
  if v_count = 0 then
    return;
  end if;

  -- Validate everything first; one exception block (one subtransaction) for the whole loop.
  begin
    for i in 0 .. v_count - 1 loop
      v_index := i; -- the loop variable is not visible in the handler below
      v_job := p_jobs -> i;
      if jsonb_typeof(v_job) <> 'object' then
        raise exception 'each job must be a JSON object, got %', jsonb_typeof(v_job) using errcode = '22023';
      end if;
      select k into v_unknown from jsonb_object_keys(v_job) k
       where k not in ('job_type', 'payload', 'priority', 'run_at', 'max_attempts', 'job_key')
       limit 1;
      if found then
        raise exception 'unknown key % (a job has job_type, payload, priority, run_at, max_attempts, job_key)',
          quote_literal(v_unknown) using errcode = '22023';
      end if;
      if jsonb_typeof(v_job -> 'job_key') not in ('string', 'null') then
        raise exception 'job_key must be a string' using errcode = '22023';
      end if;
      perform tessera.check_enqueue(
        v_job ->> 'job_type',
        case when jsonb_typeof(v_job -> 'payload') = 'null' then null else v_job -> 'payload' end,
        (v_job ->> 'priority')::integer,
        (v_job ->> 'max_attempts')::integer,
        v_job ->> 'job_key');
      perform (v_job ->> 'run_at')::timestamptz;
    end loop;
  exception when others then
    get stacked diagnostics v_message = message_text, v_detail = pg_exception_detail,
      v_hint = pg_exception_hint, v_state = returned_sqlstate;
    if v_detail <> '' or v_hint <> '' then
      raise exception 'jobs[%]: %', v_index, v_message using errcode = v_state, detail = v_detail, hint = v_hint;
    end if;
    raise exception 'jobs[%]: %', v_index, v_message using errcode = v_state;
  end;

  -- Ids chosen up front so each element can be matched to its row after the insert.
  v_ids := array(select gen_random_uuid() from generate_series(1, v_count));
  -- Loop for the same reason as enqueue_job: a live job we collided with may finish between
  -- the insert and the lookup; its element is then inserted on the next pass.
  loop
    insert into public.job_queue as j (id, job_type, payload, priority, run_at, max_attempts, job_key, user_id)
    select v_ids[e.n],
           e.job ->> 'job_type',
           coalesce(case when jsonb_typeof(e.job -> 'payload') = 'null' then null else e.job -> 'payload' end, '{}'::jsonb),
           coalesce((e.job ->> 'priority')::integer, 5),
           coalesce((e.job ->> 'run_at')::timestamptz, now()),
           coalesce((e.job ->> 'max_attempts')::integer, 3),
           e.job ->> 'job_key',
           v_uid
      from jsonb_array_elements(p_jobs) with ordinality e(job, n)
     where v_found is null or v_found[e.n] is null
     order by e.n
    on conflict (user_id, job_key) where job_key is not null and status in ('pending', 'processing')
      do nothing;

    v_found := array(
      select coalesce(
               (select j.id from public.job_queue j where j.id = v_ids[e.n]),
               (select j.id
                  from public.job_queue j
                 where e.job ->> 'job_key' is not null
                   and j.job_key = e.job ->> 'job_key'
                   and j.user_id is not distinct from v_uid
                   and j.status in ('pending', 'processing')))
        from jsonb_array_elements(p_jobs) with ordinality e(job, n)
       order by e.n);
    exit when array_position(v_found, null) is null;
  end loop;

  return query
  select j.*
    from unnest(v_found) with ordinality f(id, n)
    join public.job_queue j on j.id = f.id
   order by f.n;
end
$$;

-- Completes, in one statement, those of the jobs whose lease p_worker_id still holds, and
-- returns their ids: an id missing from the answer is a lease that was lost (the job expired
-- and was reclaimed, finished, or never existed). p_results, when given, pairs one result
-- with each id.
create or replace function public.complete_jobs(
  p_job_ids uuid[],
  p_worker_id text,
  p_results jsonb[] default null
) returns setof uuid
language plpgsql volatile
security definer
set search_path = ''
rows 100
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := v_uid is null or tessera.is_service_role();
  v_bad integer;
begin
  if p_job_ids is null or cardinality(p_job_ids) = 0 then
    return;
  end if;
  if cardinality(p_job_ids) > 1000 then
    raise exception 'at most 1000 jobs per call, got %', cardinality(p_job_ids) using errcode = '22023';
  end if;
  if p_results is not null and cardinality(p_results) <> cardinality(p_job_ids) then
    raise exception 'results must pair with job ids: % ids, % results', cardinality(p_job_ids), cardinality(p_results)
      using errcode = '22023';
  end if;
  select r.n - 1 into v_bad
    from unnest(p_results) with ordinality r(result, n)
   where octet_length(r.result::text) > 1048576
   limit 1;
  if found then
    raise exception 'results[%] is larger than 1 MiB', v_bad using errcode = '22023',
      hint = 'store large results elsewhere and return a reference';
  end if;
  return query
  update public.job_queue j
     set status = 'completed',
         result = c.result,
         progress = 100,
         locked_until = null,
         completed_at = now(),
         updated_at = now()
    from (select i.id, p_results[i.n] as result from unnest(p_job_ids) with ordinality i(id, n)) c
   where j.id = c.id
     -- tessera.holds_lease(j, p_worker_id, v_uid, v_service) spelled out: a SQL function with
     -- its own search_path is never inlined, and a call per row costs more than the row update.
     and j.status = 'processing'
     and j.locked_by = p_worker_id
     and case when v_service then j.locked_by_service else not j.locked_by_service and j.user_id = v_uid end
  returning j.id;
end
$$;

-- fail_job for many jobs in one statement (p_errors[i] is the error of p_job_ids[i];
-- p_retryable null = all retryable). Returns the ids whose lease was still held.
create or replace function public.fail_jobs(
  p_job_ids uuid[],
  p_worker_id text,
  p_errors text[],
  p_retryable boolean[] default null
) returns setof uuid
language plpgsql volatile
security definer
set search_path = ''
rows 100
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := v_uid is null or tessera.is_service_role();
begin
  if p_job_ids is null or cardinality(p_job_ids) = 0 then
    return;
  end if;
  if cardinality(p_job_ids) > 1000 then
    raise exception 'at most 1000 jobs per call, got %', cardinality(p_job_ids) using errcode = '22023';
  end if;
  if cardinality(p_errors) is distinct from cardinality(p_job_ids)
     or (p_retryable is not null and cardinality(p_retryable) <> cardinality(p_job_ids)) then
    raise exception 'errors (and retryable, when given) must pair with job ids: % ids, % errors, % retryable',
      cardinality(p_job_ids), coalesce(cardinality(p_errors), 0), coalesce(cardinality(p_retryable), 0)
      using errcode = '22023';
  end if;
  return query
  with input as (
    select i.id,
           left(coalesce(nullif(btrim(p_errors[i.n]), ''), 'unknown error'), 4000) as message,
           coalesce(p_retryable[i.n], true) as retryable
      from unnest(p_job_ids) with ordinality i(id, n)
  )
  update public.job_queue j
     set status = case
           when j.cancel_requested then 'cancelled'
           when f.retryable and j.attempts < j.max_attempts then 'pending'
           else 'failed' end,
         run_at = case
           when not j.cancel_requested and f.retryable and j.attempts < j.max_attempts
             then now() + tessera.backoff_delay(j.attempts)
           else j.run_at end,
         completed_at = case
           when not j.cancel_requested and f.retryable and j.attempts < j.max_attempts then null
           else now() end,
         progress = case
           when not j.cancel_requested and f.retryable and j.attempts < j.max_attempts then 0
           else j.progress end,
         error_message = f.message,
         errors = j.errors || jsonb_build_array(
           jsonb_build_object('attempt', j.attempts, 'at', now(), 'message', f.message, 'worker', p_worker_id)),
         locked_until = null,
         updated_at = now()
    from input f
   where j.id = f.id
     -- tessera.holds_lease(j, p_worker_id, v_uid, v_service) spelled out: a SQL function with
     -- its own search_path is never inlined, and a call per row costs more than the row update.
     and j.status = 'processing'
     and j.locked_by = p_worker_id
     and case when v_service then j.locked_by_service else not j.locked_by_service and j.user_id = v_uid end
  returning j.id;
end
$$;

-- claim_jobs, same signature and semantics as in 0003. What changed, and why:
-- * 0003 re-planned its statement on every call (force_custom_plan): about 0.5 ms of planning
--   per claim, as much as running it. Here the service role and users each get their own
--   static statement, planned once per session and kept (force_generic_plan).
-- * A generic plan does not see the limit or the arrays, and without statistics (autovacuum
--   off, a fresh table) it may prefer a sequential scan and a sort over the whole table,
--   history included, or another index of pending rows and a sort of all of them. With
--   seqscan, bitmapscan and sort off, the only cheap path left is the one we want: walk the
--   partial index of pending jobs (or of leases) in claim order and stop after p_limit rows,
--   whatever the statistics say, however much history there is, whatever indexes are added.
--   (Those switches inflate the plan's cost estimate, which would trigger JIT compilation on
--   every call, about 300 ms: jit is off here, the claim is far too short to gain from it.)
-- * Paused types are read once per call instead of probed per candidate row.
create or replace function public.claim_jobs(
  p_worker_id text,
  p_limit integer default 1,
  p_job_types text[] default null,
  p_lease_seconds integer default 300
) returns setof public.job_queue
language plpgsql volatile
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_bitmapscan = off
set enable_sort = off
set jit = off
rows 10
as $$
declare
  v_uid uuid := tessera.require_caller();
  -- require_caller() returns null only for the service role: ask again only for a signed-in id.
  v_service boolean := v_uid is null or tessera.is_service_role();
  v_lease interval := make_interval(secs => p_lease_seconds);
  v_paused text[];
begin
  perform tessera.check_lease_args(p_worker_id, p_lease_seconds);
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'limit must be between 1 and 1000, got %', p_limit using errcode = '22023';
  end if;
  v_paused := array(select q.job_type from public.queue_pauses q);
  if '*' = any (v_paused) then
    return;
  end if;
  if v_service then
    return query
    with ready as materialized (
      select j.id, j.priority, j.run_at
        from public.job_queue j
       where j.status = 'pending'
         and j.run_at <= now()
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
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
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
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
           locked_by_service = true,
           locked_until = now() + v_lease,
           progress = 0,
           started_at = now(),
           updated_at = now()
      from chosen c
     where j.id = c.id
    returning j.*;
  else
    return query
    with ready as materialized (
      select j.id, j.priority, j.run_at
        from public.job_queue j
       where j.status = 'pending'
         and j.user_id = v_uid
         and j.run_at <= now()
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
       order by j.priority, j.run_at, j.id
       limit p_limit
         for update of j skip locked
    ), expired as materialized (
      select j.id, j.priority, j.run_at
        from public.job_queue j
       where j.status = 'processing'
         and j.user_id = v_uid
         and j.locked_until < now()
         and j.attempts < j.max_attempts
         and not j.cancel_requested
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
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
           locked_by_service = false,
           locked_until = now() + v_lease,
           progress = 0,
           started_at = now(),
           updated_at = now()
      from chosen c
     where j.id = c.id
    returning j.*;
  end if;
end
$$;

revoke all on function public.enqueue_jobs(jsonb) from public, anon;
revoke all on function public.complete_jobs(uuid[], text, jsonb[]) from public, anon;
revoke all on function public.fail_jobs(uuid[], text, text[], boolean[]) from public, anon;
grant execute on function public.enqueue_jobs(jsonb) to authenticated, service_role;
grant execute on function public.complete_jobs(uuid[], text, jsonb[]) to authenticated, service_role;
grant execute on function public.fail_jobs(uuid[], text, text[], boolean[]) to authenticated, service_role;
