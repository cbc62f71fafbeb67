-- Tessera 0024: forget workers not seen for 7 days (tessera.prune_workers, 0019) with the daily
-- cleanup, on both maintenance paths: run_maintenance (Node workers) and, with pg_cron, a daily job.

-- Same signature and result as 0011; the cleanup branch also prunes worker rows.
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
    perform tessera.prune_workers();
  end if;
  return jsonb_build_object('requeued', v_requeued, 'cleaned', v_cleaned, 'ran_at', now());
end
$$;

-- Where pg_cron runs the maintenance (0012), a daily job of its own prunes the worker rows.
do $guard$
begin
  if to_regnamespace('cron') is null or to_regprocedure('cron.schedule(text, text, text)') is null then
    return;
  end if;
  perform cron.schedule('tessera-prune-workers', '23 3 * * *', 'select tessera.prune_workers()');
end
$guard$;
