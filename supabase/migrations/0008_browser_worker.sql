-- Tessera 0008: what the browser worker needs to sleep instead of polling.

-- When could the caller's worker next find work? The earliest run_at of a pending job, or the
-- lease end of a running one (claim_jobs takes expired leases: a closed tab's job comes back
-- then). The browser worker sets one timer for it rather than polling. Users see their own
-- jobs; the service role all. Null when there is nothing to wait for.
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
    select min(case when j.status = 'pending' then j.run_at else j.locked_until end)
      from public.job_queue j
     where j.status in ('pending', 'processing')
       and (v_service or j.user_id = v_uid)
       and (p_job_types is null or j.job_type = any (p_job_types))
  );
end
$$;

revoke all on function public.next_run_at(text[]) from public, anon;
grant execute on function public.next_run_at(text[]) to authenticated, service_role;
