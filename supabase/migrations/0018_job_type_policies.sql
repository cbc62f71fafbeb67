-- Tessera 0018: job-type policies (who may enqueue a type, priority floor, rate limit, timeout,
-- backoff, default attempts, retention, server fallback), a job's timeout and progress step, and
-- the queue functions that honour them. A type without a settings row behaves exactly as before,
-- except that cleanup_jobs now keeps failed jobs at least 30 days (see cleanup_jobs below).

-- ---------------------------------------------------------------------------------------------
-- The job's own columns.

alter table public.job_queue
  add column timeout_seconds integer
    constraint job_queue_timeout_seconds_range check (timeout_seconds between 1 and 86400),
  add column progress_message text
    constraint job_queue_progress_message_length check (length(progress_message) <= 200);
comment on column public.job_queue.timeout_seconds is
  'Copied from the type''s settings at enqueue: the worker aborts an attempt that runs longer and fails it with "timeout".';
comment on column public.job_queue.progress_message is
  'The running step the worker reported with its progress ("rendering"); cleared when an attempt starts.';

-- ---------------------------------------------------------------------------------------------
-- Settings per job type.

-- A retry backoff as stored: {kind, base_seconds, cap_seconds, jitter}, every key present.
create or replace function tessera.valid_backoff(p_backoff jsonb) returns boolean
language sql immutable
set search_path = ''
as $$
  select case
    when p_backoff is null then true
    when jsonb_typeof(p_backoff) <> 'object' then false
    when not (p_backoff ?& array['kind', 'base_seconds', 'cap_seconds', 'jitter'])
      or p_backoff - array['kind', 'base_seconds', 'cap_seconds', 'jitter'] <> '{}'::jsonb then false
    when p_backoff ->> 'kind' not in ('exponential', 'fixed')
      or jsonb_typeof(p_backoff -> 'base_seconds') <> 'number'
      or jsonb_typeof(p_backoff -> 'cap_seconds') <> 'number'
      or jsonb_typeof(p_backoff -> 'jitter') <> 'number' then false
    else (p_backoff ->> 'base_seconds')::numeric between 0 and 86400
      and (p_backoff ->> 'cap_seconds')::numeric between (p_backoff ->> 'base_seconds')::numeric and 604800
      and (p_backoff ->> 'jitter')::numeric between 0 and 1
  end
$$;

create table public.job_type_settings (
  job_type text primary key
    constraint job_type_settings_job_type_format check (job_type ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  -- false: only the service role, admins and security definer request functions create it.
  user_enqueue boolean not null default true,
  -- The smallest priority number (1 = highest) a non-admin user may ask for; 1 = no limit.
  user_priority_floor smallint not null default 1
    constraint job_type_settings_priority_floor_range check (user_priority_floor between 1 and 10),
  -- Jobs of this type one user may enqueue per minute (sliding window); null = no limit.
  rate_limit_per_minute integer
    constraint job_type_settings_rate_limit_range check (rate_limit_per_minute between 1 and 1000000),
  timeout_seconds integer
    constraint job_type_settings_timeout_range check (timeout_seconds between 1 and 86400),
  -- null = the queue's default backoff (tessera.backoff_delay(attempt)).
  backoff jsonb
    constraint job_type_settings_backoff_valid check (tessera.valid_backoff(backoff)),
  default_max_attempts integer
    constraint job_type_settings_max_attempts_range check (default_max_attempts between 1 and 25),
  -- Retention for cleanup_jobs; null = its p_older_than (completed, cancelled) / 30 days (failed).
  keep_completed interval
    constraint job_type_settings_keep_completed_range check (keep_completed between interval '0' and interval '100 years'),
  keep_failed interval
    constraint job_type_settings_keep_failed_range check (keep_failed between interval '0' and interval '100 years'),
  -- Service-role claims take a user's job only once it has waited this long since run_at.
  server_fallback_after_seconds integer
    constraint job_type_settings_fallback_range check (server_fallback_after_seconds between 0 and 86400),
  updated_at timestamptz not null default now(),
  updated_by uuid default auth.uid()
);
comment on table public.job_type_settings is
  'Per job type policies, written by set_job_type_settings (admin). No row: the queue''s defaults.';

alter table public.job_type_settings enable row level security;
revoke all on public.job_type_settings from public, anon, authenticated;
grant select on public.job_type_settings to authenticated;
grant all on public.job_type_settings to service_role;
-- Users may read the limits they are held to.
create policy job_type_settings_read on public.job_type_settings
  for select to authenticated
  using (true);

-- Users must not forge the payload request_certificate builds from the database.
insert into public.job_type_settings (job_type, user_enqueue, updated_by)
values ('certificate', false, null)
on conflict (job_type) do nothing;

-- Who enqueued how many jobs of a rate-limited type, and when: the rate limit's sliding window.
-- Its own log rather than a count of job_queue rows, so deleting one's jobs does not reset it;
-- written only for types with a rate_limit_per_minute, pruned as it is read and by cleanup_jobs.
create table tessera.enqueue_rate_log (
  user_id uuid not null,
  job_type text not null,
  enqueued_at timestamptz not null default now(),
  jobs integer not null constraint enqueue_rate_log_jobs_positive check (jobs > 0)
);
create index enqueue_rate_log_window_idx on tessera.enqueue_rate_log (user_id, job_type, enqueued_at);
revoke all on tessera.enqueue_rate_log from public;

-- ---------------------------------------------------------------------------------------------
-- Reading and validating settings JSON. Each helper names the key in its 22023 error.

create or replace function tessera.setting_integer(
  p_key text,
  p_value jsonb,
  p_min integer,
  p_max integer
) returns integer
language plpgsql immutable
set search_path = ''
as $$
declare
  v_number numeric;
begin
  if p_value is null or jsonb_typeof(p_value) = 'null' then
    return null;
  end if;
  if jsonb_typeof(p_value) = 'number' then
    v_number := (p_value #>> '{}')::numeric;
    if v_number = trunc(v_number) and v_number between p_min and p_max then
      return v_number::integer;
    end if;
  end if;
  raise exception '% must be a whole number from % to %, got %', p_key, p_min, p_max, left(p_value::text, 60)
    using errcode = '22023';
end
$$;

-- Seconds (a number) or an interval text such as '30 days'; 0 to 100 years (which interval
-- comparison counts as 36,000 days, hence the seconds' bound).
create or replace function tessera.setting_interval(p_key text, p_value jsonb) returns interval
language plpgsql stable
set search_path = ''
as $$
declare
  v_interval interval;
begin
  if p_value is null or jsonb_typeof(p_value) = 'null' then
    return null;
  end if;
  begin
    if jsonb_typeof(p_value) = 'number' and (p_value #>> '{}')::numeric between 0 and 3110400000 then
      v_interval := make_interval(secs => (p_value #>> '{}')::double precision);
    elsif jsonb_typeof(p_value) = 'string' then
      v_interval := (p_value #>> '{}')::interval;
    end if;
  exception when others then
    v_interval := null;
  end;
  if v_interval is null or v_interval < interval '0' or v_interval > interval '100 years' then
    raise exception '% must be seconds (a number) or an interval such as ''30 days'', from 0 to 100 years, got %',
      p_key, left(p_value::text, 60) using errcode = '22023';
  end if;
  return v_interval;
end
$$;

-- A number from p_min to p_max (fractions allowed), for backoff's keys.
create or replace function tessera.setting_number(p_key text, p_value jsonb, p_min numeric, p_max numeric)
returns numeric
language plpgsql immutable
set search_path = ''
as $$
begin
  if jsonb_typeof(p_value) = 'number' and (p_value #>> '{}')::numeric between p_min and p_max then
    return (p_value #>> '{}')::numeric;
  end if;
  raise exception '% must be a number from % to %, got %', p_key, p_min, p_max, coalesce(left(p_value::text, 60), 'nothing')
    using errcode = '22023';
end
$$;

-- backoff: null resets it (the queue's default); an object is merged into the current one (or
-- into {exponential, 2 s, 3600 s cap, 0.25 jitter}, the queue's default formula's figures).
create or replace function tessera.merge_backoff(p_current jsonb, p_value jsonb) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  v_defaults constant jsonb := '{"kind": "exponential", "base_seconds": 2, "cap_seconds": 3600, "jitter": 0.25}';
  v_unknown text;
  v_merged jsonb;
  v_kind text;
  v_base numeric;
  v_cap numeric;
begin
  if p_value is null or jsonb_typeof(p_value) = 'null' then
    return null;
  end if;
  if jsonb_typeof(p_value) <> 'object' then
    raise exception 'backoff must be an object {kind, base_seconds, cap_seconds, jitter} or null, got %', jsonb_typeof(p_value)
      using errcode = '22023';
  end if;
  select k into v_unknown from jsonb_object_keys(p_value) k
   where k not in ('kind', 'base_seconds', 'cap_seconds', 'jitter')
   order by k limit 1;
  if found then
    raise exception 'unknown backoff key % (backoff has kind, base_seconds, cap_seconds, jitter)', quote_literal(left(v_unknown, 60))
      using errcode = '22023';
  end if;
  -- Keys given replace the current ones; a key given as null goes back to its default.
  v_merged := v_defaults || coalesce(p_current, '{}'::jsonb) || jsonb_strip_nulls(p_value);
  v_merged := v_merged || coalesce(
    (select jsonb_object_agg(e.key, v_defaults -> e.key) from jsonb_each(p_value) e where jsonb_typeof(e.value) = 'null'),
    '{}'::jsonb);
  v_kind := case when jsonb_typeof(v_merged -> 'kind') = 'string' then v_merged ->> 'kind' end;
  if v_kind is null or v_kind not in ('exponential', 'fixed') then
    raise exception 'backoff.kind must be ''exponential'' or ''fixed'', got %', left((v_merged -> 'kind')::text, 60)
      using errcode = '22023';
  end if;
  v_base := tessera.setting_number('backoff.base_seconds', v_merged -> 'base_seconds', 0, 86400);
  v_cap := tessera.setting_number('backoff.cap_seconds', v_merged -> 'cap_seconds', 0, 604800);
  if v_cap < v_base then
    raise exception 'backoff.cap_seconds (%) must be at least backoff.base_seconds (%)', v_cap, v_base
      using errcode = '22023';
  end if;
  return jsonb_build_object('kind', v_kind, 'base_seconds', v_base, 'cap_seconds', v_cap,
    'jitter', tessera.setting_number('backoff.jitter', v_merged -> 'jitter', 0, 1));
end
$$;

-- p_row with the keys of p_settings applied. A key set to null goes back to its default.
create or replace function tessera.merge_job_type_settings(p_row public.job_type_settings, p_settings jsonb)
returns public.job_type_settings
language plpgsql stable
set search_path = ''
as $$
declare
  v_row public.job_type_settings := p_row;
  v_unknown text;
  v_value jsonb;
begin
  select k into v_unknown from jsonb_object_keys(p_settings) k
   where k not in ('user_enqueue', 'user_priority_floor', 'rate_limit_per_minute', 'timeout_seconds', 'backoff',
                   'default_max_attempts', 'keep_completed', 'keep_failed', 'server_fallback_after_seconds')
   order by k limit 1;
  if found then
    raise exception 'unknown setting % (the settings are user_enqueue, user_priority_floor, rate_limit_per_minute, timeout_seconds, backoff, default_max_attempts, keep_completed, keep_failed, server_fallback_after_seconds)',
      quote_literal(left(v_unknown, 60)) using errcode = '22023';
  end if;
  if p_settings ? 'user_enqueue' then
    v_value := p_settings -> 'user_enqueue';
    if jsonb_typeof(v_value) not in ('boolean', 'null') then
      raise exception 'user_enqueue must be true or false, got %', jsonb_typeof(v_value) using errcode = '22023';
    end if;
    v_row.user_enqueue := coalesce((v_value #>> '{}')::boolean, true);
  end if;
  if p_settings ? 'user_priority_floor' then
    v_row.user_priority_floor := coalesce(tessera.setting_integer('user_priority_floor', p_settings -> 'user_priority_floor', 1, 10), 1);
  end if;
  if p_settings ? 'rate_limit_per_minute' then
    v_row.rate_limit_per_minute := tessera.setting_integer('rate_limit_per_minute', p_settings -> 'rate_limit_per_minute', 1, 1000000);
  end if;
  if p_settings ? 'timeout_seconds' then
    v_row.timeout_seconds := tessera.setting_integer('timeout_seconds', p_settings -> 'timeout_seconds', 1, 86400);
  end if;
  if p_settings ? 'backoff' then
    v_row.backoff := tessera.merge_backoff(v_row.backoff, p_settings -> 'backoff');
  end if;
  if p_settings ? 'default_max_attempts' then
    v_row.default_max_attempts := tessera.setting_integer('default_max_attempts', p_settings -> 'default_max_attempts', 1, 25);
  end if;
  if p_settings ? 'keep_completed' then
    v_row.keep_completed := tessera.setting_interval('keep_completed', p_settings -> 'keep_completed');
  end if;
  if p_settings ? 'keep_failed' then
    v_row.keep_failed := tessera.setting_interval('keep_failed', p_settings -> 'keep_failed');
  end if;
  if p_settings ? 'server_fallback_after_seconds' then
    v_row.server_fallback_after_seconds :=
      tessera.setting_integer('server_fallback_after_seconds', p_settings -> 'server_fallback_after_seconds', 0, 86400);
  end if;
  return v_row;
end
$$;

-- Admin: creates or updates the type's settings with the keys given (others keep their value;
-- a key set to null goes back to its default) and returns the resulting row.
create or replace function public.set_job_type_settings(p_job_type text, p_settings jsonb)
returns public.job_type_settings
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  -- require_caller first: a malformed sub is bad input, as everywhere else.
  v_uid uuid := tessera.require_caller();
  v_row public.job_type_settings;
begin
  perform tessera.require_admin();
  perform tessera.check_job_type(p_job_type);
  if p_settings is null or jsonb_typeof(p_settings) <> 'object' then
    raise exception 'settings must be a JSON object, got %', coalesce(jsonb_typeof(p_settings), 'null')
      using errcode = '22023', hint = 'e.g. {"timeout_seconds": 120, "backoff": {"kind": "fixed", "base_seconds": 5}}';
  end if;
  -- Insert-then-lock: concurrent first writes of one type merge instead of overwriting.
  insert into public.job_type_settings (job_type, updated_by) values (p_job_type, v_uid)
  on conflict (job_type) do nothing;
  select s.* into v_row from public.job_type_settings s where s.job_type = p_job_type for update;
  v_row := tessera.merge_job_type_settings(v_row, p_settings);
  update public.job_type_settings s
     set user_enqueue = v_row.user_enqueue,
         user_priority_floor = v_row.user_priority_floor,
         rate_limit_per_minute = v_row.rate_limit_per_minute,
         timeout_seconds = v_row.timeout_seconds,
         backoff = v_row.backoff,
         default_max_attempts = v_row.default_max_attempts,
         keep_completed = v_row.keep_completed,
         keep_failed = v_row.keep_failed,
         server_fallback_after_seconds = v_row.server_fallback_after_seconds,
         updated_at = now(),
         updated_by = v_uid
   where s.job_type = p_job_type
  returning s.* into v_row;
  return v_row;
end
$$;

-- Every type's settings, by type. Any signed-in caller: users may need to know their limits.
create or replace function public.get_job_type_settings() returns setof public.job_type_settings
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  perform tessera.require_caller();
  return query select s.* from public.job_type_settings s order by s.job_type;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Enqueue: one policy check shared by enqueue_job and enqueue_jobs, one trusted insert.

-- Counts p_count more jobs of p_job_type for p_uid in the last minute, or raises `rate limited`
-- (SQLSTATE PT429: PostgREST answers HTTP 429) with the seconds until enough of the window frees.
create or replace function tessera.take_rate_limit(p_uid uuid, p_job_type text, p_limit integer, p_count integer)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_used bigint;
  v_frees_at timestamptz;
  v_retry integer;
begin
  if p_count > p_limit then
    raise exception 'rate limited: % % jobs in one call, but at most % per minute are allowed', p_count, p_job_type, p_limit
      using errcode = '22023', hint = 'split the jobs over several minutes';
  end if;
  -- One caller at a time per user and type, so two concurrent enqueues cannot both take the last place.
  perform pg_advisory_xact_lock(hashtextextended('tessera.enqueue_rate:' || p_uid::text || ':' || p_job_type, 0));
  delete from tessera.enqueue_rate_log l
   where l.user_id = p_uid and l.job_type = p_job_type and l.enqueued_at <= now() - interval '1 minute';
  select coalesce(sum(l.jobs), 0) into v_used
    from tessera.enqueue_rate_log l
   where l.user_id = p_uid and l.job_type = p_job_type;
  if v_used + p_count > p_limit then
    -- The newest entries that can stay (at most p_limit - p_count jobs); the next older one must
    -- leave the window first.
    select w.enqueued_at into v_frees_at
      from (select l.enqueued_at,
                   sum(l.jobs) over (order by l.enqueued_at desc rows between unbounded preceding and current row) as newer
              from tessera.enqueue_rate_log l
             where l.user_id = p_uid and l.job_type = p_job_type) w
     where w.newer > p_limit - p_count
     order by w.enqueued_at desc
     limit 1;
    v_retry := greatest(1, ceil(extract(epoch from v_frees_at + interval '1 minute' - now()))::integer);
    raise exception 'rate limited: at most % % jobs per minute per user', p_limit, p_job_type
      using errcode = 'PT429',
        detail = format('retry after %s seconds', v_retry),
        hint = format('Retry-After: %s', v_retry);
  end if;
  insert into tessera.enqueue_rate_log (user_id, job_type, jobs) values (p_uid, p_job_type, p_count);
end
$$;

-- The policy of each job's type for a user's enqueue (p_job_types[i] with p_priorities[i]):
-- raises 42501 when the type is not for users or the priority is above its floor, `rate limited`
-- over its rate limit; returns the priorities to insert (an omitted priority of a type whose
-- floor is above 5 becomes the floor). Service role and queue admins are not limited. Errors of
-- a bulk call (p_bulk) name the element: jobs[i].
create or replace function tessera.apply_enqueue_policy(
  p_uid uuid,
  p_job_types text[],
  p_priorities integer[],
  p_bulk boolean default false
) returns integer[]
language plpgsql volatile
set search_path = ''
as $$
declare
  v_policy record;
  v_index integer;
  v_priority integer;
  v_count integer;
  v_priorities integer[] := p_priorities;
begin
  if p_uid is null then
    return v_priorities; -- the service role
  end if;
  for v_policy in
    select s.job_type, s.user_enqueue, s.user_priority_floor, s.rate_limit_per_minute
      from public.job_type_settings s
     where s.job_type = any (p_job_types)
       and (not s.user_enqueue or s.user_priority_floor > 1 or s.rate_limit_per_minute is not null)
     order by s.job_type
  loop
    -- Only now, when a policy applies: a type without one costs a single index probe.
    if public.is_queue_admin() then
      return p_priorities;
    end if;
    if not v_policy.user_enqueue then
      v_index := array_position(p_job_types, v_policy.job_type) - 1;
      raise exception '%not allowed: users cannot enqueue % jobs',
        case when p_bulk then format('jobs[%s]: ', v_index) else '' end, v_policy.job_type
        using errcode = '42501',
          hint = 'jobs of this type are created by the server: a request function (such as request_certificate), a worker or an admin';
    end if;
    if v_policy.user_priority_floor > 1 then
      select u.n - 1, u.priority into v_index, v_priority
        from unnest(p_job_types, p_priorities) with ordinality u(job_type, priority, n)
       where u.job_type = v_policy.job_type and u.priority < v_policy.user_priority_floor
       order by u.n limit 1;
      if found then
        raise exception '%not allowed: priority % for % jobs (users may ask for % to 10; 1 is the highest)',
          case when p_bulk then format('jobs[%s]: ', v_index) else '' end, v_priority, v_policy.job_type,
          v_policy.user_priority_floor
          using errcode = '42501';
      end if;
      if v_policy.user_priority_floor > 5 then
        v_priorities := array(
          select case when u.job_type = v_policy.job_type and u.priority is null then v_policy.user_priority_floor::integer
                      else u.priority end
            from unnest(p_job_types, v_priorities) with ordinality u(job_type, priority, n)
           order by u.n);
      end if;
    end if;
    if v_policy.rate_limit_per_minute is not null then
      select count(*) into v_count from unnest(p_job_types) t where t = v_policy.job_type;
      perform tessera.take_rate_limit(p_uid, v_policy.job_type, v_policy.rate_limit_per_minute, v_count);
    end if;
  end loop;
  return v_priorities;
end
$$;

-- Inserts a job for p_uid without any policy check, with the type's timeout_seconds and
-- default_max_attempts; the live job for a repeated job_key instead. Internal: for enqueue_job
-- after its checks, and for security definer request functions (request_certificate) that
-- build a server-only type's payload themselves.
create or replace function tessera.enqueue_trusted(
  p_uid uuid,
  p_job_type text,
  p_payload jsonb,
  p_priority integer,
  p_run_at timestamptz,
  p_max_attempts integer,
  p_job_key text
) returns public.job_queue
language plpgsql volatile
set search_path = ''
as $$
declare
  v_settings public.job_type_settings;
  v_job public.job_queue;
begin
  select s.* into v_settings from public.job_type_settings s where s.job_type = p_job_type;
  -- Loop: the live job we collided with may finish between the insert and the select.
  loop
    insert into public.job_queue as j
      (job_type, payload, priority, run_at, max_attempts, job_key, user_id, timeout_seconds)
    values (
      p_job_type,
      coalesce(p_payload, '{}'::jsonb),
      coalesce(p_priority, 5),
      coalesce(p_run_at, now()),
      coalesce(p_max_attempts, v_settings.default_max_attempts, 3),
      p_job_key,
      p_uid,
      v_settings.timeout_seconds
    )
    on conflict (user_id, job_key) where job_key is not null and status in ('pending', 'processing')
      do nothing
    returning j.* into v_job;
    if found then
      return v_job;
    end if;
    select j.* into v_job
      from public.job_queue j
     where j.user_id is not distinct from p_uid
       and j.job_key = p_job_key
       and j.status in ('pending', 'processing');
    if found then
      return v_job;
    end if;
  end loop;
end
$$;
revoke all on function tessera.enqueue_trusted(uuid, text, jsonb, integer, timestamptz, integer, text) from public;
revoke all on function tessera.apply_enqueue_policy(uuid, text[], integer[], boolean) from public;
revoke all on function tessera.take_rate_limit(uuid, text, integer, integer) from public;

-- Same signature as 0002; p_priority and p_max_attempts now default to null ("not asked"), so a
-- type's default_max_attempts and priority floor can apply (omitted still means 5 and 3 without
-- settings).
create or replace function public.enqueue_job(
  p_job_type text,
  p_payload jsonb default '{}'::jsonb,
  p_priority integer default null,
  p_run_at timestamptz default null,
  p_max_attempts integer default null,
  p_job_key text default null
) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_priorities integer[];
begin
  perform tessera.check_enqueue(p_job_type, p_payload, p_priority, p_max_attempts, p_job_key);
  v_priorities := tessera.apply_enqueue_policy(v_uid, array[p_job_type], array[p_priority]);
  return tessera.enqueue_trusted(v_uid, p_job_type, p_payload, v_priorities[1], p_run_at, p_max_attempts, p_job_key);
end
$$;

-- 0007's bulk enqueue, with the same policy check as enqueue_job (one call for the whole batch:
-- a rate limit counts every job of its type in the call) and the types' defaults.
create or replace function public.enqueue_jobs(p_jobs jsonb) returns setof public.job_queue
language plpgsql volatile
security definer
set search_path = ''
rows 100
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_count integer;
  v_index integer := -1;
  v_job jsonb;
  v_unknown text;
  v_ids uuid[];
  v_found uuid[];
  v_priorities integer[];
  v_message text;
  v_detail text;
  v_hint text;
  v_state text;
begin
  if p_jobs is null or jsonb_typeof(p_jobs) <> 'array' then
    raise exception 'jobs must be a JSON array of jobs, got %', coalesce(jsonb_typeof(p_jobs), 'null')
      using errcode = '22023';
  end if;
  v_count := jsonb_array_length(p_jobs);
  if v_count > 10000 then
    raise exception 'at most 10000 jobs per call, got %', v_count using errcode = '22023',
      hint = 'split the jobs into several calls';
  end if;
  if v_count = 0 then
    return;
  end if;

  -- Validate everything first; one exception block (one subtransaction) for the whole loop.
  begin
    for i in 0 .. v_count - 1 loop
      v_index := i; -- the loop variable is not visible in the handler below
      v_job := p_jobs -> i;
      if jsonb_typeof(v_job) <> 'object' then
        raise exception 'each job must be a JSON object, got %', jsonb_typeof(v_job) using errcode = '22023';
      end if;
      select k into v_unknown from jsonb_object_keys(v_job) k
       where k not in ('job_type', 'payload', 'priority', 'run_at', 'max_attempts', 'job_key')
       limit 1;
      if found then
        raise exception 'unknown key % (a job has job_type, payload, priority, run_at, max_attempts, job_key)',
          quote_literal(v_unknown) using errcode = '22023';
      end if;
      if jsonb_typeof(v_job -> 'job_key') not in ('string', 'null') then
        raise exception 'job_key must be a string' using errcode = '22023';
      end if;
      perform tessera.check_enqueue(
        v_job ->> 'job_type',
        case when jsonb_typeof(v_job -> 'payload') = 'null' then null else v_job -> 'payload' end,
        (v_job ->> 'priority')::integer,
        (v_job ->> 'max_attempts')::integer,
        v_job ->> 'job_key');
      perform (v_job ->> 'run_at')::timestamptz;
    end loop;
  exception when others then
    get stacked diagnostics v_message = message_text, v_detail = pg_exception_detail,
      v_hint = pg_exception_hint, v_state = returned_sqlstate;
    if v_detail <> '' or v_hint <> '' then
      raise exception 'jobs[%]: %', v_index, v_message using errcode = v_state, detail = v_detail, hint = v_hint;
    end if;
    raise exception 'jobs[%]: %', v_index, v_message using errcode = v_state;
  end;

  v_priorities := tessera.apply_enqueue_policy(
    v_uid,
    array(select e.job ->> 'job_type' from jsonb_array_elements(p_jobs) with ordinality e(job, n) order by e.n),
    array(select (e.job ->> 'priority')::integer from jsonb_array_elements(p_jobs) with ordinality e(job, n) order by e.n),
    true);

  -- Ids chosen up front so each element can be matched to its row after the insert.
  v_ids := array(select gen_random_uuid() from generate_series(1, v_count));
  -- Loop for the same reason as enqueue_job: a live job we collided with may finish between
  -- the insert and the lookup; its element is then inserted on the next pass.
  loop
    insert into public.job_queue as j
      (id, job_type, payload, priority, run_at, max_attempts, job_key, user_id, timeout_seconds)
    select v_ids[e.n],
           e.job ->> 'job_type',
           coalesce(case when jsonb_typeof(e.job -> 'payload') = 'null' then null else e.job -> 'payload' end, '{}'::jsonb),
           coalesce(v_priorities[e.n], 5),
           coalesce((e.job ->> 'run_at')::timestamptz, now()),
           coalesce((e.job ->> 'max_attempts')::integer, s.default_max_attempts, 3),
           e.job ->> 'job_key',
           v_uid,
           s.timeout_seconds
      from jsonb_array_elements(p_jobs) with ordinality e(job, n)
      left join public.job_type_settings s on s.job_type = e.job ->> 'job_type'
     where v_found is null or v_found[e.n] is null
     order by e.n
    on conflict (user_id, job_key) where job_key is not null and status in ('pending', 'processing')
      do nothing;

    v_found := array(
      select coalesce(
               (select j.id from public.job_queue j where j.id = v_ids[e.n]),
               (select j.id
                  from public.job_queue j
                 where e.job ->> 'job_key' is not null
                   and j.job_key = e.job ->> 'job_key'
                   and j.user_id is not distinct from v_uid
                   and j.status in ('pending', 'processing')))
        from jsonb_array_elements(p_jobs) with ordinality e(job, n)
       order by e.n);
    exit when array_position(v_found, null) is null;
  end loop;

  return query
  select j.*
    from unnest(v_found) with ordinality f(id, n)
    join public.job_queue j on j.id = f.id
   order by f.n;
end
$$;

-- 0009's request_certificate, enqueueing through the trusted insert: certificate jobs are not
-- for users (user_enqueue = false), but the one this function builds from the database is.
create or replace function public.request_certificate(p_event_id uuid) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_registration public.event_registrations;
  v_event public.events;
  v_certificate public.certificates;
  v_job public.job_queue;
begin
  if v_uid is null then
    raise exception 'not authenticated: certificates are requested by the signed-in attendee'
      using errcode = '42501';
  end if;
  select r.* into v_registration from public.event_registrations r
   where r.event_id = p_event_id and r.user_id = v_uid;
  if not found then
    raise exception 'not allowed: you are not registered for this event' using errcode = '42501';
  end if;
  select e.* into v_event from public.events e where e.id = p_event_id;

  insert into public.certificates (serial, verification_code, user_id, event_id, attendee_name)
  values (
    format('TSR-%s-%s', to_char(v_event.starts_on, 'YYYY'), lpad(nextval('public.certificate_serial_seq')::text, 6, '0')),
    tessera.new_verification_code(), v_uid, p_event_id, btrim(v_registration.attendee_name))
  on conflict on constraint certificates_one_per_attendee do nothing;
  select c.* into v_certificate from public.certificates c
   where c.user_id = v_uid and c.event_id = p_event_id
     for update;

  if v_certificate.issued_at is not null then
    select j.* into v_job from public.job_queue j where j.id = v_certificate.job_id;
    if found then
      return v_job;
    end if;
    raise exception 'certificate % is already issued', v_certificate.serial using errcode = '55000';
  end if;

  v_job := tessera.enqueue_trusted(
    v_uid,
    'certificate',
    jsonb_build_object(
      'certificate_id', v_certificate.id,
      'serial', v_certificate.serial,
      'verification_code', v_certificate.verification_code,
      'attendee_name', v_certificate.attendee_name,
      'event_title', v_event.title,
      'event_date', to_char(v_event.starts_on, 'YYYY-MM-DD'),
      'event_location', v_event.location),
    3, null, 3, 'certificate:' || p_event_id::text);
  update public.certificates c set job_id = v_job.id where c.id = v_certificate.id;
  return v_job;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Leases: claims honour server_fallback_after_seconds and clear the step; heartbeats record it;
-- failures use the type's backoff.

-- 0007's claim_jobs (same signature, same plan settings and reasons), plus: a service-role claim
-- takes a user's pending job of a type with server_fallback_after_seconds only once it has
-- waited that long since run_at, so the user's own browser goes first. Those settings are read
-- once per call (like the paused types); without any, the extra condition is one constant test.
create or replace function public.claim_jobs(
  p_worker_id text,
  p_limit integer default 1,
  p_job_types text[] default null,
  p_lease_seconds integer default 300
) returns setof public.job_queue
language plpgsql volatile
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_bitmapscan = off
set enable_sort = off
set jit = off
rows 10
as $$
declare
  v_uid uuid := tessera.require_caller();
  -- require_caller() returns null only for the service role: ask again only for a signed-in id.
  v_service boolean := v_uid is null or tessera.is_service_role();
  v_lease interval := make_interval(secs => p_lease_seconds);
  v_paused text[];
  v_wait_types text[];
  v_wait_seconds integer[];
begin
  perform tessera.check_lease_args(p_worker_id, p_lease_seconds);
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'limit must be between 1 and 1000, got %', p_limit using errcode = '22023';
  end if;
  v_paused := array(select q.job_type from public.queue_pauses q);
  if '*' = any (v_paused) then
    return;
  end if;
  if v_service then
    -- The settings table is small and read here by its own (sequential) scan on purpose:
    -- enable_seqscan = off above only discourages it.
    select array_agg(s.job_type), array_agg(s.server_fallback_after_seconds)
      into v_wait_types, v_wait_seconds
      from public.job_type_settings s
     where s.server_fallback_after_seconds > 0;
    return query
    with ready as materialized (
      select j.id, j.priority, j.run_at
        from public.job_queue j
       where j.status = 'pending'
         and j.run_at <= now()
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
         and (v_wait_types is null
              or j.user_id is null
              or j.job_type <> all (v_wait_types)
              or j.run_at <= now() - make_interval(secs => v_wait_seconds[array_position(v_wait_types, j.job_type)]))
       order by j.priority, j.run_at, j.id
       limit p_limit
         for update of j skip locked
    ), expired as materialized (
      select j.id, j.priority, j.run_at
        from public.job_queue j
       where j.status = 'processing'
         and j.locked_until < now()
         and j.attempts < j.max_attempts
         and not j.cancel_requested
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
       order by j.locked_until
       limit p_limit
         for update of j skip locked
    ), chosen as (
      select c.id
        from (select * from ready union all select * from expired) c
       order by c.priority, c.run_at, c.id
       limit p_limit
    )
    update public.job_queue j
       set status = 'processing',
           attempts = j.attempts + 1,
           locked_by = p_worker_id,
           locked_by_service = true,
           locked_until = now() + v_lease,
           progress = 0,
           progress_message = null,
           started_at = now(),
           updated_at = now()
      from chosen c
     where j.id = c.id
    returning j.*;
  else
    return query
    with ready as materialized (
      select j.id, j.priority, j.run_at
        from public.job_queue j
       where j.status = 'pending'
         and j.user_id = v_uid
         and j.run_at <= now()
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
       order by j.priority, j.run_at, j.id
       limit p_limit
         for update of j skip locked
    ), expired as materialized (
      select j.id, j.priority, j.run_at
        from public.job_queue j
       where j.status = 'processing'
         and j.user_id = v_uid
         and j.locked_until < now()
         and j.attempts < j.max_attempts
         and not j.cancel_requested
         and (p_job_types is null or j.job_type = any (p_job_types))
         and j.job_type <> all (v_paused)
       order by j.locked_until
       limit p_limit
         for update of j skip locked
    ), chosen as (
      select c.id
        from (select * from ready union all select * from expired) c
       order by c.priority, c.run_at, c.id
       limit p_limit
    )
    update public.job_queue j
       set status = 'processing',
           attempts = j.attempts + 1,
           locked_by = p_worker_id,
           locked_by_service = false,
           locked_until = now() + v_lease,
           progress = 0,
           progress_message = null,
           started_at = now(),
           updated_at = now()
      from chosen c
     where j.id = c.id
    returning j.*;
  end if;
end
$$;

-- Unchanged from 0003; restated so the claim path it wraps is this migration's.
create or replace function public.get_next_job(
  p_worker_id text,
  p_job_types text[] default null,
  p_lease_seconds integer default 300
) returns setof public.job_queue
language sql volatile
security definer
set search_path = ''
as $$
  select * from public.claim_jobs(p_worker_id, 1, p_job_types, p_lease_seconds)
$$;

-- heartbeat_job gains p_progress_message (the running step). A new argument changes the
-- signature, so the old one is dropped; callers by name (every client) or by position with
-- four arguments work as before. Null keeps the current step, '' clears it.
drop function public.heartbeat_job(uuid, text, integer, integer);
create function public.heartbeat_job(
  p_job_id uuid,
  p_worker_id text,
  p_progress integer default null,
  p_lease_seconds integer default 300,
  p_progress_message text default null
) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_cancel boolean;
begin
  perform tessera.check_lease_args(p_worker_id, p_lease_seconds);
  if p_progress is not null and (p_progress < 0 or p_progress > 100) then
    raise exception 'progress must be between 0 and 100, got %', p_progress using errcode = '22023';
  end if;
  if length(p_progress_message) > 200 then
    raise exception 'progress_message must be at most 200 characters, got %', length(p_progress_message)
      using errcode = '22023';
  end if;
  update public.job_queue j
     set locked_until = now() + make_interval(secs => p_lease_seconds),
         progress = coalesce(p_progress, j.progress),
         progress_message = case when p_progress_message is null then j.progress_message
                                 else nullif(p_progress_message, '') end,
         updated_at = now()
   where j.id = p_job_id
     and tessera.holds_lease(j, p_worker_id, v_uid, v_service)
  returning j.cancel_requested into v_cancel;
  if not found then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  return v_cancel;
end
$$;
revoke all on function public.heartbeat_job(uuid, text, integer, integer, text) from public, anon;
grant execute on function public.heartbeat_job(uuid, text, integer, integer, text) to authenticated, service_role;

-- Retry delay after failed attempt n under a type's backoff {kind, base_seconds, cap_seconds,
-- jitter}: fixed = base, exponential = min(cap, base * 2^(n-1)); then times a factor uniform in
-- [1 - jitter, 1 + jitter). Without one (null): the queue's default, tessera.backoff_delay(n).
create or replace function tessera.backoff_delay(p_attempt integer, p_backoff jsonb) returns interval
language sql volatile
set search_path = ''
as $$
  select case
    when p_backoff is null then tessera.backoff_delay(p_attempt)
    else make_interval(secs =>
      (case when p_backoff ->> 'kind' = 'fixed' then (p_backoff ->> 'base_seconds')::double precision
            else least((p_backoff ->> 'cap_seconds')::double precision,
                       (p_backoff ->> 'base_seconds')::double precision * power(2::double precision, greatest(p_attempt, 1) - 1))
       end) * (1 + (p_backoff ->> 'jitter')::double precision * (2 * random() - 1)))
  end
$$;

-- 0003's fail_job with the type's backoff (and the step cleared when the job goes back to pending).
create or replace function public.fail_job(
  p_job_id uuid,
  p_worker_id text,
  p_error text,
  p_retryable boolean default true
) returns public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_message text := left(coalesce(nullif(btrim(p_error), ''), 'unknown error'), 4000);
  v_job public.job_queue;
begin
  update public.job_queue j
     set status = case
           when j.cancel_requested then 'cancelled'
           when coalesce(p_retryable, true) and j.attempts < j.max_attempts then 'pending'
           else 'failed' end,
         run_at = case
           when not j.cancel_requested and coalesce(p_retryable, true) and j.attempts < j.max_attempts
             then now() + tessera.backoff_delay(j.attempts,
                            (select s.backoff from public.job_type_settings s where s.job_type = j.job_type))
           else j.run_at end,
         completed_at = case
           when not j.cancel_requested and coalesce(p_retryable, true) and j.attempts < j.max_attempts
             then null
           else now() end,
         progress = case
           when not j.cancel_requested and coalesce(p_retryable, true) and j.attempts < j.max_attempts
             then 0
           else j.progress end,
         progress_message = case
           when not j.cancel_requested and coalesce(p_retryable, true) and j.attempts < j.max_attempts
             then null
           else j.progress_message end,
         error_message = v_message,
         errors = j.errors || jsonb_build_array(
           jsonb_build_object('attempt', j.attempts, 'at', now(), 'message', v_message, 'worker', p_worker_id)),
         locked_until = null,
         updated_at = now()
   where j.id = p_job_id
     and tessera.holds_lease(j, p_worker_id, v_uid, v_service)
  returning j.* into v_job;
  if not found then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  return v_job;
end
$$;

-- 0007's fail_jobs with the types' backoffs, read once per call.
create or replace function public.fail_jobs(
  p_job_ids uuid[],
  p_worker_id text,
  p_errors text[],
  p_retryable boolean[] default null
) returns setof uuid
language plpgsql volatile
security definer
set search_path = ''
rows 100
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := v_uid is null or tessera.is_service_role();
  v_backoffs jsonb;
begin
  if p_job_ids is null or cardinality(p_job_ids) = 0 then
    return;
  end if;
  if cardinality(p_job_ids) > 1000 then
    raise exception 'at most 1000 jobs per call, got %', cardinality(p_job_ids) using errcode = '22023';
  end if;
  if cardinality(p_errors) is distinct from cardinality(p_job_ids)
     or (p_retryable is not null and cardinality(p_retryable) <> cardinality(p_job_ids)) then
    raise exception 'errors (and retryable, when given) must pair with job ids: % ids, % errors, % retryable',
      cardinality(p_job_ids), coalesce(cardinality(p_errors), 0), coalesce(cardinality(p_retryable), 0)
      using errcode = '22023';
  end if;
  select jsonb_object_agg(s.job_type, s.backoff) into v_backoffs
    from public.job_type_settings s
   where s.backoff is not null;
  return query
  with input as (
    select i.id,
           left(coalesce(nullif(btrim(p_errors[i.n]), ''), 'unknown error'), 4000) as message,
           coalesce(p_retryable[i.n], true) as retryable
      from unnest(p_job_ids) with ordinality i(id, n)
  )
  update public.job_queue j
     set status = case
           when j.cancel_requested then 'cancelled'
           when f.retryable and j.attempts < j.max_attempts then 'pending'
           else 'failed' end,
         run_at = case
           when not j.cancel_requested and f.retryable and j.attempts < j.max_attempts
             then now() + tessera.backoff_delay(j.attempts, v_backoffs -> j.job_type)
           else j.run_at end,
         completed_at = case
           when not j.cancel_requested and f.retryable and j.attempts < j.max_attempts then null
           else now() end,
         progress = case
           when not j.cancel_requested and f.retryable and j.attempts < j.max_attempts then 0
           else j.progress end,
         progress_message = case
           when not j.cancel_requested and f.retryable and j.attempts < j.max_attempts then null
           else j.progress_message end,
         error_message = f.message,
         errors = j.errors || jsonb_build_array(
           jsonb_build_object('attempt', j.attempts, 'at', now(), 'message', f.message, 'worker', p_worker_id)),
         locked_until = null,
         updated_at = now()
    from input f
   where j.id = f.id
     -- tessera.holds_lease(j, p_worker_id, v_uid, v_service) spelled out: a SQL function with
     -- its own search_path is never inlined, and a call per row costs more than the row update.
     and j.status = 'processing'
     and j.locked_by = p_worker_id
     and case when v_service then j.locked_by_service else not j.locked_by_service and j.user_id = v_uid end
  returning j.id;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Retention.

-- Deletes finished jobs past their retention and returns how many. Per job:
-- * the type's own keep_completed (completed, cancelled) / keep_failed (failed) when set;
-- * otherwise completed and cancelled jobs older than p_older_than (default 7 days), and failed
--   jobs older than greatest(p_older_than, 30 days): failed jobs are kept longer, for diagnosis.
-- So the daily pg_cron call cleanup_jobs('7 days') (0012) and run_maintenance keep their meaning
-- for completed jobs and honour every type's settings.
create or replace function public.cleanup_jobs(p_older_than interval default interval '7 days')
returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_count integer;
  v_types text[];
  v_keep_completed interval[];
  v_keep_failed interval[];
  v_failed_default interval;
  v_shortest interval;
begin
  perform tessera.require_admin();
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'older_than must be a non-negative interval, got %', p_older_than
      using errcode = '22023';
  end if;
  v_failed_default := greatest(p_older_than, interval '30 days');
  select array_agg(s.job_type), array_agg(s.keep_completed), array_agg(s.keep_failed),
         least(min(s.keep_completed), min(s.keep_failed))
    into v_types, v_keep_completed, v_keep_failed, v_shortest
    from public.job_type_settings s
   where s.keep_completed is not null or s.keep_failed is not null;
  -- The shortest retention of all bounds the index range on completed_at; each row then checks its own.
  v_shortest := least(p_older_than, v_shortest);
  delete from public.job_queue j
   where j.status in ('completed', 'failed', 'cancelled')
     and j.completed_at < now() - v_shortest
     and j.completed_at < now() - case
           when j.status = 'failed'
             then coalesce(v_keep_failed[array_position(v_types, j.job_type)], v_failed_default)
           else coalesce(v_keep_completed[array_position(v_types, j.job_type)], p_older_than) end;
  get diagnostics v_count = row_count;
  -- The rate limit's window is one minute: older entries count for nothing.
  delete from tessera.enqueue_rate_log l where l.enqueued_at <= now() - interval '1 minute';
  return v_count;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Pauses: pause_queue(null) / resume_queue(null) pause and resume every type (0004, unchanged);
-- the dashboard reads what is paused here.

create or replace function public.list_queue_pauses() returns setof public.queue_pauses
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  perform tessera.require_caller();
  return query select q.* from public.queue_pauses q order by q.job_type;
end
$$;

revoke all on function public.set_job_type_settings(text, jsonb) from public, anon;
revoke all on function public.get_job_type_settings() from public, anon;
revoke all on function public.list_queue_pauses() from public, anon;
grant execute on function public.set_job_type_settings(text, jsonb) to authenticated, service_role;
grant execute on function public.get_job_type_settings() to authenticated, service_role;
grant execute on function public.list_queue_pauses() to authenticated, service_role;
