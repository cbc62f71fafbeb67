-- Tessera 0014: queue_health() without a scan of the whole history (same signature and result):
-- at 100,000 rows the single filtered scan of 0005 took 40-60 ms; these reads use the partial
-- indexes of live and finished rows.

-- {status: ok|warning|critical, alerts: [{code, level, message, value, threshold}], metrics, checked_at}
create or replace function public.queue_health() returns jsonb
language plpgsql stable
security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
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

