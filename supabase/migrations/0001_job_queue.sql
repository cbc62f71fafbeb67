-- Tessera 0001: the job table, the pause table, caller identity and row-level security.
-- Clients never write these tables: every change goes through the security definer
-- functions of the next migrations. RLS only decides what a signed-in user may read.

create schema if not exists tessera;
comment on schema tessera is 'Tessera internals: helpers of the queue functions, not part of the API.';
revoke all on schema tessera from public;

-- Who is calling? On Supabase, PostgREST sets the JWT claims (role, sub, app_metadata).
-- A direct database connection without claims (a Node worker on DATABASE_URL, psql, pg_cron)
-- is trusted like the service role, unless it switched to one of the API roles.
create or replace function tessera.is_service_role() returns boolean
language sql stable
set search_path = ''
as $$
  select case
    when auth.role() is not null then auth.role() = 'service_role'
    when coalesce(current_setting('role', true), 'none') <> 'none'
      then current_setting('role', true) = 'service_role'
    else session_user::text not in ('anon', 'authenticated', 'authenticator')
      and auth.uid() is null
  end
$$;

-- The caller's user id; raises unless the caller is a signed-in user or the service role.
create or replace function tessera.require_caller() returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null and not tessera.is_service_role() then
    raise exception 'not authenticated' using errcode = '42501',
      hint = 'sign in, or call with the service role';
  end if;
  return v_uid;
end
$$;

create or replace function public.is_queue_admin() returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select tessera.is_service_role()
    or coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin'
$$;
comment on function public.is_queue_admin() is
  'True for the service role and for users whose JWT carries app_metadata.role = admin.';

create or replace function tessera.require_admin() returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if not public.is_queue_admin() then
    raise exception 'not allowed: queue admin only' using errcode = '42501';
  end if;
end
$$;

create table public.job_queue (
  id uuid primary key default gen_random_uuid(),
  job_type text not null
    constraint job_queue_job_type_format check (job_type ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  payload jsonb not null default '{}'::jsonb
    constraint job_queue_payload_object check (jsonb_typeof(payload) = 'object')
    constraint job_queue_payload_size check (octet_length(payload::text) <= 65536),
  status text not null default 'pending'
    constraint job_queue_status_known
      check (status in ('pending', 'processing', 'completed', 'failed', 'cancelled')),
  priority smallint not null default 5
    constraint job_queue_priority_range check (priority between 1 and 10),
  attempts integer not null default 0
    constraint job_queue_attempts_range check (attempts between 0 and max_attempts),
  max_attempts integer not null default 3
    constraint job_queue_max_attempts_range check (max_attempts between 1 and 25),
  run_at timestamptz not null default now(),
  locked_by text
    constraint job_queue_locked_by_length check (length(locked_by) between 1 and 200),
  locked_until timestamptz,
  locked_by_service boolean not null default false,
  progress smallint not null default 0
    constraint job_queue_progress_range check (progress between 0 and 100),
  result jsonb
    constraint job_queue_result_size check (octet_length(result::text) <= 1048576),
  error_message text
    constraint job_queue_error_length check (length(error_message) <= 4000),
  errors jsonb not null default '[]'::jsonb
    constraint job_queue_errors_array check (jsonb_typeof(errors) = 'array'),
  job_key text
    constraint job_queue_job_key_length check (length(job_key) between 1 and 255),
  cancel_requested boolean not null default false,
  user_id uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  -- A running job always has a lease; no other state has one. locked_by stays as "last worker".
  constraint job_queue_lease_iff_processing
    check ((status = 'processing') = (locked_until is not null)),
  constraint job_queue_processing_has_worker check (status <> 'processing' or locked_by is not null),
  constraint job_queue_final_has_completed_at
    check (status not in ('completed', 'failed', 'cancelled') or completed_at is not null)
);

comment on table public.job_queue is
  'Tessera background jobs. Written only through the queue functions; users read their own rows.';
comment on column public.job_queue.priority is '1 is the highest priority, 10 the lowest.';
comment on column public.job_queue.locked_by_service is
  'The lease was taken by the service role: only the service role may heartbeat, complete or fail it.';
comment on column public.job_queue.errors is 'Every failed attempt: [{attempt, at, message}].';

-- Claim path: partial indexes on live rows only, so claim cost does not grow with history.
create index job_queue_ready_idx on public.job_queue (priority, run_at, id)
  where status = 'pending';
create index job_queue_ready_by_user_idx on public.job_queue (user_id, priority, run_at, id)
  where status = 'pending';
create index job_queue_leases_idx on public.job_queue (locked_until)
  where status = 'processing';
-- Dedupe: one live (pending or processing) job per user and job_key; service jobs share user null.
create unique index job_queue_live_job_key_idx on public.job_queue (user_id, job_key) nulls not distinct
  where job_key is not null and status in ('pending', 'processing');
-- History: a user's job list (keyset by created_at, id), the admin list, and cleanup.
create index job_queue_user_history_idx on public.job_queue (user_id, created_at desc, id desc);
create index job_queue_history_idx on public.job_queue (created_at desc, id desc);
create index job_queue_finished_idx on public.job_queue (completed_at)
  where status in ('completed', 'failed', 'cancelled');

-- Paused job types; the row '*' pauses every type.
create table public.queue_pauses (
  job_type text primary key
    constraint queue_pauses_job_type_format check (job_type = '*' or job_type ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
  paused_at timestamptz not null default now(),
  paused_by uuid default auth.uid()
);
comment on table public.queue_pauses is 'Job types whose jobs are not claimed; job_type * pauses all.';

alter table public.job_queue enable row level security;
alter table public.queue_pauses enable row level security;

revoke all on public.job_queue, public.queue_pauses from public, anon, authenticated;
grant select on public.job_queue, public.queue_pauses to authenticated;
grant all on public.job_queue, public.queue_pauses to service_role;

create policy job_queue_read_own_or_admin on public.job_queue
  for select to authenticated
  using (user_id = (select auth.uid()) or (select public.is_queue_admin()));

create policy queue_pauses_read on public.queue_pauses
  for select to authenticated
  using (true);

revoke all on function public.is_queue_admin() from public;
grant execute on function public.is_queue_admin() to anon, authenticated, service_role;
