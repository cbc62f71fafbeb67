-- Tessera 0019: live workers. Node and Edge workers report on their heartbeat cadence, browser
-- workers only right after work (never on idle polls); queue_health() alerts when ready jobs wait
-- with no live worker able to take them, and job_wait_reason() tells a user what happens next.
--
-- A worker is alive while it reported within tessera.worker_alive_window() (2 minutes) and did
-- not say it stopped. Rows not seen for 7 days are deleted by tessera.prune_workers().

create table public.queue_workers (
  worker_id text primary key
    constraint queue_workers_id_format check (length(worker_id) between 1 and 200 and worker_id !~ '[[:cntrl:]]'),
  kind text not null
    constraint queue_workers_kind_known check (kind in ('browser', 'node', 'edge')),
  -- The signed-in user of a browser worker; null for server workers (node, edge).
  user_id uuid,
  -- The job types it claims; null = any type.
  job_types text[]
    constraint queue_workers_job_types_size check (cardinality(job_types) between 1 and 100),
  version text
    constraint queue_workers_version_format check (length(version) between 1 and 100 and version !~ '[[:cntrl:]]'),
  started_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- Set by the worker's last report on a graceful stop: not alive from then on.
  stopped_at timestamptz,
  running integer not null default 0
    constraint queue_workers_running_range check (running between 0 and 10000),
  processed bigint not null default 0
    constraint queue_workers_processed_range check (processed >= 0),
  failed bigint not null default 0
    constraint queue_workers_failed_range check (failed >= 0),
  constraint queue_workers_browser_iff_user check ((kind = 'browser') = (user_id is not null))
);
comment on table public.queue_workers is
  'Workers that reported recently (worker_heartbeat); users read their own browser workers, admins all.';
comment on column public.queue_workers.processed is 'Jobs completed since the worker started (its own count).';

-- Liveness reads "seen since now() - 2 min"; a user's browsers are looked up per job owner.
create index queue_workers_last_seen_idx on public.queue_workers (last_seen_at);
create index queue_workers_user_idx on public.queue_workers (user_id, last_seen_at) where user_id is not null;

alter table public.queue_workers enable row level security;
revoke all on public.queue_workers from public, anon, authenticated;
grant select on public.queue_workers to authenticated;
grant all on public.queue_workers to service_role;
create policy queue_workers_read_own_or_admin on public.queue_workers
  for select to authenticated
  using (user_id = (select auth.uid()) or (select public.is_queue_admin()));

-- The one place the liveness window is defined. Node workers report every 15 s and browsers at
-- most every 30 s while they work, so 2 minutes tolerates a few lost reports.
create or replace function tessera.worker_alive_window() returns interval
language sql immutable
set search_path = ''
as $$ select interval '2 minutes' $$;

-- Live workers that may take a job of p_job_type owned by p_user_id: a server worker for that
-- type, or (for a user's job) that user's own browser worker for that type.
create or replace function tessera.live_worker_kinds(p_job_type text, p_user_id uuid)
returns table (browser boolean, server boolean)
language sql stable
set search_path = ''
as $$
  select coalesce(bool_or(w.kind = 'browser'), false), coalesce(bool_or(w.kind <> 'browser'), false)
    from public.queue_workers w
   where w.last_seen_at > now() - tessera.worker_alive_window()
     and w.stopped_at is null
     and (w.job_types is null or p_job_type = any (w.job_types))
     and (w.kind <> 'browser' or (p_user_id is not null and w.user_id = p_user_id))
$$;

-- Called by every worker: Node and Edge workers on their heartbeat cadence (and on start and
-- stop), browser workers only right after a claim that returned jobs or after outcomes. Counters
-- are the worker's own totals since it started (set, not added). A signed-in user reports only
-- kind 'browser', under their own id; node and edge need the service role. A worker id already
-- reported by someone else is refused.
create or replace function public.worker_heartbeat(
  p_worker_id text,
  p_kind text,
  p_version text default null,
  p_running integer default 0,
  p_processed bigint default 0,
  p_failed bigint default 0,
  p_job_types text[] default null,
  p_stopping boolean default false
) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := v_uid is null or tessera.is_service_role();
  v_owner uuid;
  v_types text[];
  v_type text;
  v_inserted boolean;
begin
  if p_kind is null or p_kind not in ('browser', 'node', 'edge') then
    raise exception 'unknown worker kind %: use browser, node or edge', coalesce(quote_literal(left(p_kind, 40)), 'null')
      using errcode = '22023';
  end if;
  if v_service then
    if p_kind = 'browser' then
      raise exception 'a browser worker reports as its signed-in user' using errcode = '22023',
        hint = 'the service role reports node or edge workers';
    end if;
  elsif p_kind <> 'browser' then
    raise exception 'not allowed: only the service role reports % workers', p_kind using errcode = '42501';
  else
    v_owner := v_uid;
  end if;
  if p_worker_id is null or length(p_worker_id) not between 1 and 200 or p_worker_id ~ '[[:cntrl:]]' then
    raise exception 'worker id must be 1 to 200 characters without control characters' using errcode = '22023';
  end if;
  if p_version is not null and (length(p_version) not between 1 and 100 or p_version ~ '[[:cntrl:]]') then
    raise exception 'version must be 1 to 100 characters without control characters' using errcode = '22023';
  end if;
  if p_running is null or p_running not between 0 and 10000 then
    raise exception 'running must be between 0 and 10000, got %', p_running using errcode = '22023';
  end if;
  if p_processed is null or p_processed < 0 or p_failed is null or p_failed < 0 then
    raise exception 'processed and failed must be counts (0 or more), got % and %', p_processed, p_failed
      using errcode = '22023';
  end if;
  if p_job_types is not null then
    if cardinality(p_job_types) not between 1 and 100 or array_ndims(p_job_types) <> 1 then
      raise exception 'job types: 1 to 100 of them in a flat list, or null for any type' using errcode = '22023';
    end if;
    foreach v_type in array p_job_types loop
      perform tessera.check_job_type(v_type);
    end loop;
    v_types := array(select distinct t from unnest(p_job_types) t order by t);
  end if;

  insert into public.queue_workers as w
    (worker_id, kind, user_id, job_types, version, running, processed, failed, stopped_at)
  values (p_worker_id, p_kind, v_owner, v_types, p_version, p_running, p_processed, p_failed,
          case when coalesce(p_stopping, false) then now() end)
  on conflict (worker_id) do update
     set kind = excluded.kind,
         job_types = excluded.job_types,
         version = excluded.version,
         running = excluded.running,
         processed = excluded.processed,
         failed = excluded.failed,
         last_seen_at = now(),
         stopped_at = excluded.stopped_at,
         -- A worker id reused after a stop or a restart (its counters went back) starts anew.
         started_at = case
           when w.stopped_at is not null or excluded.processed < w.processed or excluded.failed < w.failed
             then now() else w.started_at end
   where w.user_id is not distinct from excluded.user_id
  returning (xmax = 0) into v_inserted;
  if v_inserted is null then
    raise exception 'not allowed: worker id % is reported by someone else', left(p_worker_id, 80)
      using errcode = '42501', hint = 'each worker needs an id of its own';
  end if;
  -- A user's browser rows are bounded: each page load may bring a new worker id.
  if v_inserted and v_owner is not null then
    delete from public.queue_workers d
     where d.worker_id in (select x.worker_id from public.queue_workers x
                            where x.user_id = v_owner
                            order by x.last_seen_at desc, x.worker_id
                            offset 20);
  end if;
end
$$;

-- The workers seen since p_since (admin): newest first, each with `alive`.
create or replace function public.list_workers(
  p_since interval default interval '1 hour',
  p_limit integer default 200
) returns table (
  worker_id text,
  kind text,
  user_id uuid,
  job_types text[],
  version text,
  started_at timestamptz,
  last_seen_at timestamptz,
  stopped_at timestamptz,
  running integer,
  processed bigint,
  failed bigint,
  alive boolean
)
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  perform tessera.require_admin();
  if p_since is null or p_since <= interval '0' or p_since > interval '30 days' then
    raise exception 'since must be a positive interval of at most 30 days, got %', p_since using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'limit must be between 1 and 1000, got %', p_limit using errcode = '22023';
  end if;
  return query
  select w.worker_id, w.kind, w.user_id, w.job_types, w.version, w.started_at, w.last_seen_at, w.stopped_at,
         w.running, w.processed, w.failed,
         w.stopped_at is null and w.last_seen_at > now() - tessera.worker_alive_window()
    from public.queue_workers w
   where w.last_seen_at > now() - p_since
   order by w.last_seen_at desc, w.worker_id
   limit p_limit;
end
$$;

-- Removes a worker's row (admin): e.g. one that will not come back. A live worker's next report
-- adds it again.
create or replace function public.forget_worker(p_worker_id text) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform tessera.require_admin();
  if p_worker_id is null then
    raise exception 'worker id is required' using errcode = '22023';
  end if;
  delete from public.queue_workers w where w.worker_id = p_worker_id;
  return found;
end
$$;

-- Deletes workers not seen for 7 days; returns how many. For run_maintenance (and tests): no
-- grant, nobody calls it through the API.
create or replace function tessera.prune_workers() returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  v_count integer;
begin
  delete from public.queue_workers w where w.last_seen_at < now() - interval '7 days';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- What happens next to one of the caller's jobs (the service role: any job), as
-- {code, message, status, run_at, browser, server}:
--   finished           completed, failed or cancelled
--   running            a worker holds it
--   stalled            its worker stopped renewing the lease: another worker takes it once the lease ends
--   paused             its type (or the whole queue) is paused by an admin
--   scheduled          waits for run_at (a delayed job, or a retry after its backoff)
--   browser_or_server  ready; the owner's live browser or a live server worker will take it
--   browser            ready; only the owner's live browser can take it (keep the tab open)
--   server             ready; a live server worker will take it
--   no_worker          ready, but no live worker can take it
-- browser/server: whether a live worker of that kind can take the job's type.
create or replace function public.job_wait_reason(p_job_id uuid) returns jsonb
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := v_uid is null or tessera.is_service_role();
  v_job public.job_queue;
  v_browser boolean;
  v_server boolean;
  v_code text;
  v_message text;
begin
  select j.* into v_job
    from public.job_queue j
   where j.id = p_job_id
     and (v_service or j.user_id = v_uid);
  if not found then
    raise exception 'job not found' using errcode = 'P0002',
      detail = format('no job %s of this caller', p_job_id);
  end if;
  select k.browser, k.server into v_browser, v_server from tessera.live_worker_kinds(v_job.job_type, v_job.user_id) k;

  if v_job.status in ('completed', 'failed', 'cancelled') then
    v_code := 'finished';
    v_message := format('the job has %s', v_job.status);
  elsif v_job.status = 'processing' and v_job.locked_until >= now() then
    v_code := 'running';
    v_message := 'a worker is running it';
  elsif v_job.status = 'processing' then
    v_code := 'stalled';
    v_message := 'its worker stopped responding: another worker takes it over';
  elsif exists (select 1 from public.queue_pauses q where q.job_type in ('*', v_job.job_type)) then
    v_code := 'paused';
    v_message := 'paused by an administrator: it waits until the queue is resumed';
  elsif v_job.run_at > now() then
    v_code := 'scheduled';
    v_message := case when v_job.attempts > 0 then 'it will be retried later' else 'it is scheduled to run later' end;
  elsif v_browser and v_server then
    v_code := 'browser_or_server';
    v_message := 'waiting for your browser or the server worker';
  elsif v_browser then
    v_code := 'browser';
    v_message := 'waiting for your browser: keep this tab open';
  elsif v_server then
    v_code := 'server';
    v_message := 'waiting for the server worker';
  else
    v_code := 'no_worker';
    v_message := 'no worker is running';
  end if;
  return jsonb_build_object('code', v_code, 'message', v_message, 'status', v_job.status,
    'run_at', v_job.run_at, 'browser', v_browser, 'server', v_server);
end
$$;

-- queue_health() of 0014 (same reads, same result shape) plus the alert no_live_worker
-- (critical): ready jobs have waited more than 30 s and no live worker can take them.
create or replace function public.queue_health() returns jsonb
language plpgsql stable
security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  -- How long a ready job may wait before "no live worker" counts: a browser worker wakes at once
  -- on its user's enqueue, and a server worker polls every few seconds.
  c_unserved_after constant interval := interval '30 seconds';
  -- At most this many waiting jobs are looked at: the alert, not a census.
  c_examined constant integer := 1000;
  v_uid uuid := tessera.require_caller();
  v_all boolean := public.is_queue_admin();
  v_failed_hour bigint;
  v_waiting bigint;
  v_expired bigint;
  v_oldest double precision;
  v_paused boolean := exists (select 1 from public.queue_pauses q where q.job_type = '*');
  v_paused_types text[];
  v_any_server boolean;
  v_server_types text[];
  v_examined bigint := 0;
  v_unserved bigint := 0;
  v_unserved_types text;
  v_alerts jsonb := '[]'::jsonb;
begin
  -- Three small reads, each on its partial index, instead of one scan of the whole history.
  select count(*) into v_failed_hour
    from public.job_queue j
   where j.status = 'failed'
     and j.completed_at > now() - interval '1 hour'
     and (v_all or j.user_id = v_uid);
  select count(*), coalesce(extract(epoch from now() - min(j.run_at)), 0)
    into v_waiting, v_oldest
    from public.job_queue j
   where j.status = 'pending'
     and j.run_at <= now()
     and (v_all or j.user_id = v_uid);
  select count(*) into v_expired
    from public.job_queue j
   where j.status = 'processing'
     and j.locked_until < now()
     and (v_all or j.user_id = v_uid);

  -- No live worker: looked for only when a ready job has waited that long (never on a healthy
  -- queue) and the whole queue is not paused (that has its own alert). A live server worker
  -- for any type serves every job: one read of the few live workers. Otherwise look at the
  -- first c_examined waiting jobs in claim order (the pending partial index, as claim_jobs
  -- walks it) and count those no live worker can take: bounded work whatever the backlog.
  if v_oldest > extract(epoch from c_unserved_after) and not v_paused then
    select coalesce(bool_or(w.job_types is null), false),
           coalesce(array_agg(distinct t.job_type) filter (where t.job_type is not null), '{}')
      into v_any_server, v_server_types
      from public.queue_workers w
      left join lateral unnest(w.job_types) as t(job_type) on true
     where w.kind <> 'browser'
       and w.last_seen_at > now() - tessera.worker_alive_window()
       and w.stopped_at is null;
    if not v_any_server then
      v_paused_types := array(select q.job_type from public.queue_pauses q);
      with examined as (
        select j.id, j.job_type, j.user_id
          from public.job_queue j
         where j.status = 'pending'
           and j.run_at <= now() - c_unserved_after
           and (v_all or j.user_id = v_uid)
         order by j.priority, j.run_at, j.id
         limit c_examined
      ), browsers as materialized (
        select w.user_id, w.job_types
          from public.queue_workers w
         where w.kind = 'browser'
           and w.last_seen_at > now() - tessera.worker_alive_window()
           and w.stopped_at is null
      ), served as (
        -- A job's owner's live browser for its type (a hash join on the few live browsers).
        select e.id, e.job_type, bool_or(b.user_id is not null) as by_browser
          from examined e
          left join browsers b on b.user_id = e.user_id and (b.job_types is null or e.job_type = any (b.job_types))
         group by e.id, e.job_type
      )
      select count(*),
             count(*) filter (where u.unserved),
             string_agg(distinct u.job_type, ', ' order by u.job_type) filter (where u.unserved)
        into v_examined, v_unserved, v_unserved_types
        from (select s.job_type,
                     s.job_type <> all (v_paused_types) and s.job_type <> all (v_server_types)
                       and not s.by_browser as unserved
                from served s) u;
    end if;
  end if;

  if v_failed_hour > 10 then
    v_alerts := v_alerts || jsonb_build_object('code', 'failed_last_hour',
      'level', case when v_failed_hour > 100 then 'critical' else 'warning' end,
      'message', format('%s jobs failed in the last hour', v_failed_hour),
      'value', v_failed_hour, 'threshold', 10);
  end if;
  if v_waiting > 50 then
    v_alerts := v_alerts || jsonb_build_object('code', 'backlog', 'level', 'warning',
      'message', format('%s jobs are waiting to run', v_waiting), 'value', v_waiting, 'threshold', 50);
  end if;
  if v_expired > 0 then
    v_alerts := v_alerts || jsonb_build_object('code', 'expired_leases', 'level', 'warning',
      'message', format('%s running jobs lost their worker (lease expired)', v_expired),
      'value', v_expired, 'threshold', 0);
  end if;
  if v_oldest > 300 then
    v_alerts := v_alerts || jsonb_build_object('code', 'oldest_waiting', 'level',
      case when v_oldest > 3600 then 'critical' else 'warning' end,
      'message', format('the oldest waiting job has waited %s s', round(v_oldest::numeric)),
      'value', round(v_oldest::numeric), 'threshold', 300);
  end if;
  if v_unserved > 0 then
    v_alerts := v_alerts || jsonb_build_object('code', 'no_live_worker', 'level', 'critical',
      'message', format('%s jobs have waited over %s s and no live worker can take them (%s)%s',
        v_unserved, extract(epoch from c_unserved_after)::integer, v_unserved_types,
        case when v_examined >= c_examined then format('; counted among the first %s in claim order', c_examined) else '' end),
      'value', v_unserved, 'threshold', 0);
  end if;
  if v_paused then
    v_alerts := v_alerts || jsonb_build_object('code', 'paused', 'level', 'warning',
      'message', 'the whole queue is paused', 'value', 1, 'threshold', 0);
  end if;

  return jsonb_build_object(
    'status', case
      when exists (select 1 from jsonb_array_elements(v_alerts) a where a ->> 'level' = 'critical') then 'critical'
      when jsonb_array_length(v_alerts) > 0 then 'warning'
      else 'ok' end,
    'alerts', v_alerts,
    'metrics', jsonb_build_object('failed_last_hour', v_failed_hour, 'waiting', v_waiting,
      'expired_leases', v_expired, 'oldest_waiting_seconds', round(v_oldest::numeric, 3)),
    'checked_at', now());
end
$$;

revoke all on function tessera.prune_workers() from public;
revoke all on function public.worker_heartbeat(text, text, text, integer, bigint, bigint, text[], boolean) from public, anon;
revoke all on function public.list_workers(interval, integer) from public, anon;
revoke all on function public.forget_worker(text) from public, anon;
revoke all on function public.job_wait_reason(uuid) from public, anon;
grant execute on function public.worker_heartbeat(text, text, text, integer, bigint, bigint, text[], boolean)
  to authenticated, service_role;
grant execute on function public.list_workers(interval, integer) to authenticated, service_role;
grant execute on function public.forget_worker(text) to authenticated, service_role;
grant execute on function public.job_wait_reason(uuid) to authenticated, service_role;
