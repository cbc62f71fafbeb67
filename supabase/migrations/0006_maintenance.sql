-- Tessera 0006: maintenance, run by pg_cron where present, else by a worker or an admin.

-- Running jobs whose lease expired (their worker died or hung): back to pending while attempts
-- remain, otherwise failed; cancelled if a cancel was requested. Returns how many moved.
create or replace function public.requeue_stalled() returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  perform tessera.require_admin();
  with stalled as (
    select j.id
      from public.job_queue j
     where j.status = 'processing'
       and j.locked_until < now()
       for update skip locked
  ), moved as (
    update public.job_queue j
       set status = case
             when j.cancel_requested then 'cancelled'
             when j.attempts < j.max_attempts then 'pending'
             else 'failed' end,
           completed_at = case
             when not j.cancel_requested and j.attempts < j.max_attempts then null
             else now() end,
           run_at = now(),
           locked_until = null,
           error_message = format('lease expired: worker %s stopped reporting', j.locked_by),
           errors = j.errors || jsonb_build_array(jsonb_build_object('attempt', j.attempts, 'at', now(),
             'message', format('lease expired: worker %s stopped reporting', j.locked_by), 'worker', j.locked_by)),
           updated_at = now()
      from stalled s
     where j.id = s.id
    returning j.status, j.job_type
  ), notified as (
    select pg_notify('tessera_jobs', t.job_type)
      from (select distinct m.job_type from moved m where m.status = 'pending') t
  )
  select count(*) into v_count from moved left join (select count(*) from notified) n on true;
  return v_count;
end
$$;

-- Deletes completed, failed and cancelled jobs that finished more than p_older_than ago.
create or replace function public.cleanup_jobs(p_older_than interval default interval '7 days')
returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  perform tessera.require_admin();
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'older_than must be a non-negative interval, got %', p_older_than
      using errcode = '22023';
  end if;
  delete from public.job_queue j
   where j.status in ('completed', 'failed', 'cancelled')
     and j.completed_at < now() - p_older_than;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

revoke all on function public.requeue_stalled() from public, anon;
revoke all on function public.cleanup_jobs(interval) from public, anon;
grant execute on function public.requeue_stalled() to authenticated, service_role;
grant execute on function public.cleanup_jobs(interval) to authenticated, service_role;
