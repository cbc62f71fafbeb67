-- Tessera 0004: what owners and admins do to jobs (cancel, retry, delete) and to job types
-- (pause, resume).

-- The job, locked, if the caller may manage it (owner, admin or service role). A job the
-- caller may not see is reported exactly like a missing one.
create or replace function tessera.lock_visible_job(p_job_id uuid) returns public.job_queue
language plpgsql volatile
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
     and (v_all or j.user_id = v_uid)
     for update;
  if not found then
    raise exception 'job not found' using errcode = 'P0002',
      detail = format('no job %s visible to this caller', p_job_id);
  end if;
  return v_job;
end
$$;

-- Pending jobs are cancelled at once; a running job gets cancel_requested, which its worker
-- sees at the next heartbeat (its AbortSignal fires) and then reports as cancelled.
create or replace function public.cancel_job(p_job_id uuid) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_job public.job_queue := tessera.lock_visible_job(p_job_id);
begin
  if v_job.status = 'pending' then
    update public.job_queue j
       set status = 'cancelled', completed_at = now(), updated_at = now()
     where j.id = p_job_id
    returning j.* into v_job;
  elsif v_job.status = 'processing' then
    update public.job_queue j
       set cancel_requested = true, updated_at = now()
     where j.id = p_job_id
    returning j.* into v_job;
  elsif v_job.status <> 'cancelled' then
    raise exception 'cannot cancel a % job', v_job.status using errcode = '55000';
  end if;
  return v_job;
end
$$;

-- A failed or cancelled job runs again from attempt 1; its error history is kept.
create or replace function public.retry_job(p_job_id uuid) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_job public.job_queue := tessera.lock_visible_job(p_job_id);
begin
  if v_job.status not in ('failed', 'cancelled') then
    raise exception 'cannot retry a % job: only failed or cancelled jobs can be retried', v_job.status
      using errcode = '55000';
  end if;
  begin
    update public.job_queue j
       set status = 'pending',
           attempts = 0,
           run_at = now(),
           progress = 0,
           cancel_requested = false,
           completed_at = null,
           result = null,
           updated_at = now()
     where j.id = p_job_id
    returning j.* into v_job;
  exception when unique_violation then
    raise exception 'cannot retry: another job with job_key % is already pending or running', v_job.job_key
      using errcode = '23505';
  end;
  perform pg_notify('tessera_jobs', v_job.job_type);
  return v_job;
end
$$;

-- Deletes a job that is not running (cancel it first). Returns true.
create or replace function public.delete_job(p_job_id uuid) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_job public.job_queue := tessera.lock_visible_job(p_job_id);
begin
  if v_job.status = 'processing' then
    raise exception 'cannot delete a running job: cancel it first' using errcode = '55000';
  end if;
  delete from public.job_queue j where j.id = p_job_id;
  return true;
end
$$;

-- p_job_type null pauses every job type. Workers stop claiming; running jobs finish.
create or replace function public.pause_queue(p_job_type text default null) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform tessera.require_admin();
  if p_job_type is not null then
    perform tessera.check_job_type(p_job_type);
  end if;
  insert into public.queue_pauses (job_type, paused_by)
  values (coalesce(p_job_type, '*'), auth.uid())
  on conflict (job_type) do nothing;
end
$$;

-- p_job_type null resumes everything (the global pause and every per-type pause).
create or replace function public.resume_queue(p_job_type text default null) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform tessera.require_admin();
  if p_job_type is null then
    delete from public.queue_pauses q where true; -- "where": Supabase rejects unqualified deletes
    perform pg_notify('tessera_jobs', '*');
  else
    perform tessera.check_job_type(p_job_type);
    delete from public.queue_pauses q where q.job_type = p_job_type;
    perform pg_notify('tessera_jobs', p_job_type);
  end if;
end
$$;

revoke all on function public.cancel_job(uuid) from public, anon;
revoke all on function public.retry_job(uuid) from public, anon;
revoke all on function public.delete_job(uuid) from public, anon;
revoke all on function public.pause_queue(text) from public, anon;
revoke all on function public.resume_queue(text) from public, anon;
grant execute on function public.cancel_job(uuid) to authenticated, service_role;
grant execute on function public.retry_job(uuid) to authenticated, service_role;
grant execute on function public.delete_job(uuid) to authenticated, service_role;
grant execute on function public.pause_queue(text) to authenticated, service_role;
grant execute on function public.resume_queue(text) to authenticated, service_role;
