-- Tessera 0015: list_jobs continues from the exact created_at of the page's last row (same
-- signature and results otherwise). Found by the admin list (0011), which does the same.

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
  v_before timestamptz := p_before;
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
  -- Clients hold created_at with millisecond precision (JavaScript dates); the row's exact value
  -- (microseconds) is what the keyset must continue from, or rows in that millisecond are skipped.
  if p_before_id is not null then
    v_before := coalesce((select j.created_at from public.job_queue j where j.id = p_before_id), p_before);
  end if;
  return query
  select j.*
    from public.job_queue j
   where (v_all or j.user_id = v_uid)
     and (p_statuses is null or j.status = any (p_statuses))
     and (p_job_type is null or j.job_type = p_job_type)
     and (v_before is null
          or (p_before_id is null and j.created_at < v_before)
          or (p_before_id is not null and (j.created_at, j.id) < (v_before, p_before_id)))
   order by j.created_at desc, j.id desc
   limit p_limit;
end
$$;

