-- Tessera 0005: reading jobs and the queue's state. Users see their own rows; admins and the
-- service role see all.

create or replace function public.get_job(p_job_id uuid) returns public.job_queue
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_all boolean := public.is_queue_admin();
  v_job public.job_queue;
begin
  select j.* into v_job
    from public.job_queue j
   where j.id = p_job_id
     and (v_all or j.user_id = v_uid);
  if not found then
    raise exception 'job not found' using errcode = 'P0002',
      detail = format('no job %s visible to this caller', p_job_id);
  end if;
  return v_job;
end
$$;

-- Newest first, keyset-paged: pass the last row's created_at (and id, to break ties among
-- jobs created in one transaction) to get the next page.
create or replace function public.list_jobs(
  p_statuses text[] default null,
  p_job_type text default null,
  p_limit integer default 50,
  p_before timestamptz default null,
  p_before_id uuid default null
) returns setof public.job_queue
language plpgsql stable
security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_all boolean := public.is_queue_admin();
  v_bad text;
begin
  if p_limit is null or p_limit < 1 or p_limit > 500 then
    raise exception 'limit must be between 1 and 500, got %', p_limit using errcode = '22023';
  end if;
  select s into v_bad from unnest(p_statuses) s
   where s is null or s not in ('pending', 'processing', 'completed', 'failed', 'cancelled')
   limit 1;
  if found then
    raise exception 'unknown status %: use pending, processing, completed, failed or cancelled',
      coalesce(quote_literal(v_bad), 'null') using errcode = '22023';
  end if;
  if p_job_type is not null then
    perform tessera.check_job_type(p_job_type);
  end if;
  return query
  select j.*
    from public.job_queue j
   where (v_all or j.user_id = v_uid)
     and (p_statuses is null or j.status = any (p_statuses))
     and (p_job_type is null or j.job_type = p_job_type)
     and (p_before is null
          or (p_before_id is null and j.created_at < p_before)
          or (p_before_id is not null and (j.created_at, j.id) < (p_before, p_before_id)))
   order by j.created_at desc, j.id desc
   limit p_limit;
end
$$;

-- Counts per job type. pending = ready to run now; scheduled = pending with run_at in the future.
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
   where (v_all or j.user_id = v_uid)
   group by j.job_type
   order by j.job_type;
end
$$;

-- {status: ok|warning|critical, alerts: [{code, level, message, value, threshold}], metrics, checked_at}
create or replace function public.queue_health() returns jsonb
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_all boolean := public.is_queue_admin();
  v_failed_hour bigint;
  v_waiting bigint;
  v_expired bigint;
  v_oldest double precision;
  v_paused boolean := exists (select 1 from public.queue_pauses q where q.job_type = '*');
  v_alerts jsonb := '[]'::jsonb;
begin
  select count(*) filter (where j.status = 'failed' and j.completed_at > now() - interval '1 hour'),
         count(*) filter (where j.status = 'pending' and j.run_at <= now()),
         count(*) filter (where j.status = 'processing' and j.locked_until < now()),
         coalesce(extract(epoch from now() - min(j.run_at) filter (where j.status = 'pending' and j.run_at <= now())), 0)
    into v_failed_hour, v_waiting, v_expired, v_oldest
    from public.job_queue j
   where (v_all or j.user_id = v_uid)
     and (j.status in ('pending', 'processing') or j.completed_at > now() - interval '1 hour');

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

revoke all on function public.get_job(uuid) from public, anon;
revoke all on function public.list_jobs(text[], text, integer, timestamptz, uuid) from public, anon;
revoke all on function public.queue_stats() from public, anon;
revoke all on function public.queue_health() from public, anon;
grant execute on function public.get_job(uuid) to authenticated, service_role;
grant execute on function public.list_jobs(text[], text, integer, timestamptz, uuid) to authenticated, service_role;
grant execute on function public.queue_stats() to authenticated, service_role;
grant execute on function public.queue_health() to authenticated, service_role;
