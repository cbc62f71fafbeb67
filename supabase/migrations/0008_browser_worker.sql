-- Tessera 0008: what the browser worker needs to sleep instead of polling.

-- When is the caller's next delayed job due? The browser worker sets one timer for it rather
-- than polling. Users see their own jobs; the service role all. Null when nothing is scheduled.
create or replace function public.next_run_at(p_job_types text[] default null) returns timestamptz
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
begin
  return (
    select min(j.run_at)
      from public.job_queue j
     where j.status = 'pending'
       and (v_service or j.user_id = v_uid)
       and (p_job_types is null or j.job_type = any (p_job_types))
  );
end
$$;

revoke all on function public.next_run_at(text[]) from public, anon;
grant execute on function public.next_run_at(text[]) to authenticated, service_role;
