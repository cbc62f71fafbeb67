-- Tessera 0020: recurring schedules (like graphile-worker's crontab, pg-boss's schedule, BullMQ's
-- repeatable jobs). Admins write them through the functions below; whichever server-side worker
-- runs (Node worker, Edge Function) ticks them as the service role.
--
-- Postgres cannot evaluate cron expressions, so the ticker (croner, in TypeScript) computes
-- next_run_at; the database only guarantees that each slot runs once: run_schedule_slot
-- compare-and-sets the row (next_run_at = the slot) and enqueues the slot's job in the same
-- transaction, so of several tickers racing for a slot exactly one gets a job. The job_key
-- `schedule:<name>:<slot>` alone would not do: it is unique only among live jobs.

create table public.job_schedules (
  name text primary key
    constraint job_schedules_name_format check (name ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  -- 5 fields (minute hour day-of-month month day-of-week), 6 (seconds first) or a nickname.
  -- Only the shape is checked here (Postgres cannot evaluate cron); croner validates the fields.
  cron text not null
    constraint job_schedules_cron_shape check (
      length(cron) <= 200
      and (cron ~ '^@(yearly|annually|monthly|weekly|daily|hourly)$'
           or cron ~ '^[0-9A-Za-z*/,?#-]+(\s+[0-9A-Za-z*/,?#-]+){4,5}$')),
  time_zone text not null default 'UTC'
    constraint job_schedules_time_zone_length check (length(time_zone) between 1 and 64),
  job_type text not null
    constraint job_schedules_job_type_format check (job_type ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  payload jsonb not null default '{}'::jsonb
    constraint job_schedules_payload_object check (jsonb_typeof(payload) = 'object')
    constraint job_schedules_payload_size check (octet_length(payload::text) <= 65536),
  priority smallint not null default 5
    constraint job_schedules_priority_range check (priority between 1 and 10),
  -- null: the job queue's default.
  max_attempts integer
    constraint job_schedules_max_attempts_range check (max_attempts between 1 and 25),
  enabled boolean not null default true,
  -- The last slot that ran (its scheduled time, not when a worker got to it), and its job.
  last_run_at timestamptz,
  last_job_id uuid,
  -- The next slot; null until a ticker computes it (a new, changed or re-enabled schedule).
  next_run_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint job_schedules_next_after_last check (next_run_at is null or last_run_at is null or next_run_at > last_run_at)
);
comment on table public.job_schedules is
  'Recurring jobs: one job per cron slot, enqueued by whichever server-side worker ticks first.';
comment on column public.job_schedules.last_run_at is 'The scheduled time of the last slot that ran.';
comment on column public.job_schedules.next_run_at is
  'The next slot, computed by a ticker (croner) from the cron expression in time_zone; null until then.';

create index job_schedules_due_idx on public.job_schedules (next_run_at) where enabled;

alter table public.job_schedules enable row level security;
revoke all on public.job_schedules from public, anon, authenticated;
grant select on public.job_schedules to authenticated;
grant all on public.job_schedules to service_role;
create policy job_schedules_admin_read on public.job_schedules
  for select to authenticated
  using ((select public.is_queue_admin()));

create or replace function tessera.require_service_role() returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if not tessera.is_service_role() then
    raise exception 'not allowed: service role only' using errcode = '42501',
      hint = 'schedules are ticked by server-side workers (Node worker, Edge Function)';
  end if;
end
$$;

create or replace function tessera.check_schedule_name(p_name text) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_name is null or p_name !~ '^[a-z][a-z0-9_.:-]{0,63}$' then
    raise exception 'invalid schedule name %: must match ^[a-z][a-z0-9_.:-]{0,63}$',
      coalesce(quote_literal(left(p_name, 80)), 'null') using errcode = '22023';
  end if;
end
$$;

-- Clear errors before the table's checks (which stay as the last line of defence).
create or replace function tessera.check_schedule(p_cron text, p_time_zone text) returns void
language plpgsql stable
set search_path = ''
as $$
begin
  -- The same shape as the table's check job_schedules_cron_shape.
  if p_cron is null or length(p_cron) > 200
     or not (p_cron ~ '^@(yearly|annually|monthly|weekly|daily|hourly)$'
             or p_cron ~ '^[0-9A-Za-z*/,?#-]+(\s+[0-9A-Za-z*/,?#-]+){4,5}$') then
    raise exception 'invalid cron expression %: expected 5 fields (minute hour day month weekday), 6 (seconds first) or @daily-style nickname',
      coalesce(quote_literal(left(p_cron, 80)), 'null') using errcode = '22023';
  end if;
  if p_time_zone is null or length(p_time_zone) not between 1 and 64 then
    raise exception 'invalid time zone: 1 to 64 characters, e.g. UTC or Europe/Berlin' using errcode = '22023';
  end if;
  begin
    perform now() at time zone p_time_zone;
  exception when others then
    raise exception 'unknown time zone %', quote_literal(p_time_zone) using errcode = '22023',
      hint = 'use an IANA name such as UTC or Europe/Berlin';
  end;
end
$$;

-- Creates or replaces a schedule. A new schedule, or one whose timing (cron, time zone) or
-- enabled flag changed, gets next_run_at null: the next tick computes it without running.
create or replace function public.upsert_job_schedule(
  p_name text,
  p_cron text,
  p_job_type text,
  p_payload jsonb default '{}'::jsonb,
  p_time_zone text default 'UTC',
  p_priority integer default 5,
  p_max_attempts integer default null,
  p_enabled boolean default true
) returns public.job_schedules
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  -- One space between fields, as croner and the shape check read them.
  v_cron text := regexp_replace(btrim(p_cron), '\s+', ' ', 'g');
  v_schedule public.job_schedules;
begin
  perform tessera.require_admin();
  perform tessera.check_schedule_name(p_name);
  perform tessera.check_schedule(v_cron, p_time_zone);
  perform tessera.check_enqueue(p_job_type, p_payload, p_priority, p_max_attempts, null);
  insert into public.job_schedules as s (name, cron, time_zone, job_type, payload, priority, max_attempts, enabled)
  values (p_name, v_cron, p_time_zone, p_job_type, coalesce(p_payload, '{}'::jsonb), coalesce(p_priority, 5),
          p_max_attempts, coalesce(p_enabled, true))
  on conflict (name) do update
     set cron = excluded.cron,
         time_zone = excluded.time_zone,
         job_type = excluded.job_type,
         payload = excluded.payload,
         priority = excluded.priority,
         max_attempts = excluded.max_attempts,
         enabled = excluded.enabled,
         next_run_at = case
           when (s.cron, s.time_zone, s.enabled) is distinct from (excluded.cron, excluded.time_zone, excluded.enabled)
             then null
           else s.next_run_at
         end,
         updated_at = now()
  returning s.* into v_schedule;
  return v_schedule;
end
$$;

-- Enabling or disabling forgets the next slot: slots missed while disabled never run, and the
-- first tick after enabling only computes the next one.
create or replace function public.set_job_schedule_enabled(p_name text, p_enabled boolean)
returns public.job_schedules
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_schedule public.job_schedules;
begin
  perform tessera.require_admin();
  if p_enabled is null then
    raise exception 'p_enabled must be true or false' using errcode = '22023';
  end if;
  update public.job_schedules s
     set enabled = p_enabled,
         next_run_at = case when s.enabled = p_enabled then s.next_run_at end,
         updated_at = case when s.enabled = p_enabled then s.updated_at else now() end
   where s.name = p_name
  returning s.* into v_schedule;
  if not found then
    raise exception 'schedule not found' using errcode = 'P0002', detail = format('no schedule %L', left(p_name, 80));
  end if;
  return v_schedule;
end
$$;

-- Jobs it already enqueued stay in the queue.
create or replace function public.delete_job_schedule(p_name text) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform tessera.require_admin();
  delete from public.job_schedules s where s.name = p_name;
  if not found then
    raise exception 'schedule not found' using errcode = 'P0002', detail = format('no schedule %L', left(p_name, 80));
  end if;
  return true;
end
$$;

create or replace function public.list_job_schedules() returns setof public.job_schedules
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  perform tessera.require_admin();
  return query select s.* from public.job_schedules s order by s.name;
end
$$;

-- The ticker's first look at a new (or changed, or re-enabled) schedule: store the next slot,
-- without running anything. Only while next_run_at is still null and the timing is the one
-- the ticker computed with (an admin may have changed it meanwhile). True when stored.
create or replace function public.init_job_schedule(
  p_name text,
  p_cron text,
  p_time_zone text,
  p_next_run_at timestamptz
) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform tessera.require_service_role();
  if p_next_run_at is null or not isfinite(p_next_run_at) then
    raise exception 'p_next_run_at must be a finite timestamp' using errcode = '22023';
  end if;
  update public.job_schedules s
     set next_run_at = p_next_run_at, updated_at = now()
   where s.name = p_name
     and s.enabled
     and s.next_run_at is null
     and s.cron = p_cron
     and s.time_zone = p_time_zone
     and (s.last_run_at is null or p_next_run_at > s.last_run_at);
  return found;
end
$$;

-- Runs one due slot: moves the schedule on to p_next_run_at and enqueues the slot's job, in
-- one transaction, only if the row still waits for exactly this slot. Concurrent tickers
-- serialise on the row; the losers find next_run_at moved on and get null. A slot missed while
-- every worker was down runs once: the ticker passes the next slot after now, not after p_slot.
-- Returns the slot's job, or no row when this caller did not get the slot.
create or replace function public.run_schedule_slot(
  p_name text,
  p_slot timestamptz,
  p_next_run_at timestamptz
) returns setof public.job_queue
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_schedule public.job_schedules;
  v_job public.job_queue;
  v_key text;
begin
  perform tessera.require_service_role();
  if p_slot is null or p_next_run_at is null or not isfinite(p_slot) or not isfinite(p_next_run_at) then
    raise exception 'p_slot and p_next_run_at must be finite timestamps' using errcode = '22023';
  end if;
  if p_next_run_at <= p_slot then
    raise exception 'p_next_run_at (%) must be after p_slot (%)', p_next_run_at, p_slot using errcode = '22023';
  end if;
  update public.job_schedules s
     set last_run_at = p_slot, next_run_at = p_next_run_at, updated_at = now()
   where s.name = p_name
     and s.enabled
     and s.next_run_at = p_slot
     and p_slot <= now()
  returning s.* into v_schedule;
  if not found then
    return;
  end if;
  v_key := format('schedule:%s:%s', v_schedule.name, to_char(p_slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
  -- Through enqueue_job, so the queue's own checks and policies apply; as the service role the
  -- job has no owner. Named arguments: a null max_attempts keeps the queue's default.
  if v_schedule.max_attempts is null then
    v_job := public.enqueue_job(p_job_type => v_schedule.job_type, p_payload => v_schedule.payload,
                                p_priority => v_schedule.priority::integer, p_job_key => v_key);
  else
    v_job := public.enqueue_job(p_job_type => v_schedule.job_type, p_payload => v_schedule.payload,
                                p_priority => v_schedule.priority::integer, p_max_attempts => v_schedule.max_attempts,
                                p_job_key => v_key);
  end if;
  update public.job_schedules s set last_job_id = v_job.id where s.name = v_schedule.name;
  return next v_job;
end
$$;

revoke all on function tessera.require_service_role() from public;
revoke all on function tessera.check_schedule_name(text) from public;
revoke all on function tessera.check_schedule(text, text) from public;
revoke all on function public.upsert_job_schedule(text, text, text, jsonb, text, integer, integer, boolean) from public, anon;
revoke all on function public.set_job_schedule_enabled(text, boolean) from public, anon;
revoke all on function public.delete_job_schedule(text) from public, anon;
revoke all on function public.list_job_schedules() from public, anon;
revoke all on function public.init_job_schedule(text, text, text, timestamptz) from public, anon, authenticated;
revoke all on function public.run_schedule_slot(text, timestamptz, timestamptz) from public, anon, authenticated;
grant execute on function public.upsert_job_schedule(text, text, text, jsonb, text, integer, integer, boolean)
  to authenticated, service_role;
grant execute on function public.set_job_schedule_enabled(text, boolean) to authenticated, service_role;
grant execute on function public.delete_job_schedule(text) to authenticated, service_role;
grant execute on function public.list_job_schedules() to authenticated, service_role;
grant execute on function public.init_job_schedule(text, text, text, timestamptz) to service_role;
grant execute on function public.run_schedule_slot(text, timestamptz, timestamptz) to service_role;
