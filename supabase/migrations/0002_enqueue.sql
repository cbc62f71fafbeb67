-- Tessera 0002: enqueue_job and the wake-up notification.

-- Clear errors before the table's checks (which stay as the last line of defence).
create or replace function tessera.check_job_type(p_job_type text) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_job_type is null or p_job_type !~ '^[a-z][a-z0-9_.:-]{0,63}$' then
    raise exception 'invalid job_type %: must match ^[a-z][a-z0-9_.:-]{0,63}$',
      coalesce(quote_literal(left(p_job_type, 80)), 'null') using errcode = '22023';
  end if;
end
$$;

create or replace function tessera.check_enqueue(
  p_job_type text,
  p_payload jsonb,
  p_priority integer,
  p_max_attempts integer,
  p_job_key text
) returns void
language plpgsql immutable
set search_path = ''
as $$
declare
  v_size integer;
begin
  perform tessera.check_job_type(p_job_type);
  if p_payload is not null then
    if jsonb_typeof(p_payload) <> 'object' then
      raise exception 'payload must be a JSON object, got %', jsonb_typeof(p_payload)
        using errcode = '22023';
    end if;
    v_size := octet_length(p_payload::text);
    if v_size > 65536 then
      raise exception 'payload is % bytes, the limit is 65536 (64 KiB)', v_size
        using errcode = '22023', hint = 'store large data elsewhere and pass a reference';
    end if;
  end if;
  if p_priority is not null and (p_priority < 1 or p_priority > 10) then
    raise exception 'priority must be between 1 (highest) and 10 (lowest), got %', p_priority
      using errcode = '22023';
  end if;
  if p_max_attempts is not null and (p_max_attempts < 1 or p_max_attempts > 25) then
    raise exception 'max_attempts must be between 1 and 25, got %', p_max_attempts
      using errcode = '22023';
  end if;
  if p_job_key is not null and (length(p_job_key) < 1 or length(p_job_key) > 255) then
    raise exception 'job_key must be 1 to 255 characters, got %', length(p_job_key)
      using errcode = '22023';
  end if;
end
$$;

-- Inserts a job for the caller (auth.uid(); null for the service role). While a job with the
-- same job_key is pending or processing for that owner, returns that job instead.
create or replace function public.enqueue_job(
  p_job_type text,
  p_payload jsonb default '{}'::jsonb,
  p_priority integer default 5,
  p_run_at timestamptz default null,
  p_max_attempts integer default 3,
  p_job_key text default null
) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_job public.job_queue;
begin
  perform tessera.check_enqueue(p_job_type, p_payload, p_priority, p_max_attempts, p_job_key);
  -- Loop: the live job we collided with may finish between the insert and the select.
  loop
    insert into public.job_queue as j (job_type, payload, priority, run_at, max_attempts, job_key, user_id)
    values (
      p_job_type,
      coalesce(p_payload, '{}'::jsonb),
      coalesce(p_priority, 5),
      coalesce(p_run_at, now()),
      coalesce(p_max_attempts, 3),
      p_job_key,
      v_uid
    )
    on conflict (user_id, job_key) where job_key is not null and status in ('pending', 'processing')
      do nothing
    returning j.* into v_job;
    if found then
      return v_job;
    end if;
    select j.* into v_job
      from public.job_queue j
     where j.user_id is not distinct from v_uid
       and j.job_key = p_job_key
       and j.status in ('pending', 'processing');
    if found then
      return v_job;
    end if;
  end loop;
end
$$;

-- Node workers LISTEN on tessera_jobs; one notification per job type and statement
-- (Postgres folds identical notifications of one transaction).
create or replace function tessera.notify_jobs_inserted() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('tessera_jobs', t.job_type)
     from (select distinct n.job_type from new_jobs n) t;
  return null;
end
$$;

create trigger job_queue_notify_inserted
  after insert on public.job_queue
  referencing new table as new_jobs
  for each statement execute function tessera.notify_jobs_inserted();

revoke all on function public.enqueue_job(text, jsonb, integer, timestamptz, integer, text) from public, anon;
grant execute on function public.enqueue_job(text, jsonb, integer, timestamptz, integer, text)
  to authenticated, service_role;
