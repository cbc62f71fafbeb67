-- Tessera 0022: notifications. When a certificate job completes, or fails for good, the database
-- enqueues server-only `notify.email` / `notify.webhook` jobs according to an admin-managed settings
-- row. They are separate service jobs (user_id null: no browser ever claims them), so a failing
-- notification retries on its own and never fails or repeats the certificate job. Secrets (SMTP
-- credentials, the webhook signing key) live only in the worker's environment, never here.

-- Webhook targets: absolute http(s) URLs without credentials (user:pass@ would be a secret in the
-- database; receivers authenticate deliveries by the X-Tessera-Signature header instead).
create or replace function tessera.valid_webhook_url(p_url text) returns boolean
language sql immutable
set search_path = ''
as $$
  select p_url is not null
     and length(p_url) <= 2000
     and p_url ~ '^https?://([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?([/?#][^[:space:]]*)?$'
$$;

create or replace function tessera.valid_webhook_urls(p_urls text[]) returns boolean
language sql immutable
set search_path = ''
as $$
  select p_urls is not null
     and coalesce(array_ndims(p_urls), 1) = 1
     and cardinality(p_urls) <= 10
     and not exists (select 1 from unnest(p_urls) u where not coalesce(tessera.valid_webhook_url(u), false))
     and cardinality(p_urls) = (select count(distinct u) from unnest(p_urls) u)
$$;

-- One row (id = true). Everything off by default: notifications need a server worker with SMTP or a
-- webhook secret, and jobs nobody can run would only pile up.
create table public.notification_settings (
  id boolean primary key default true
    constraint notification_settings_single_row check (id),
  email_on_completed boolean not null default false,
  email_on_failed boolean not null default false,
  webhook_on_completed boolean not null default false,
  webhook_on_failed boolean not null default false,
  webhook_urls text[] not null default '{}'
    constraint notification_settings_webhook_urls check (tessera.valid_webhook_urls(webhook_urls)),
  updated_at timestamptz not null default now(),
  updated_by uuid
);
comment on table public.notification_settings is
  'Which certificate events notify whom (one row). Written through set_notification_settings; no secrets here.';

insert into public.notification_settings (id) values (true) on conflict (id) do nothing;

-- Admin data: read and written only through the functions below.
alter table public.notification_settings enable row level security;
revoke all on public.notification_settings from public, anon, authenticated;
grant all on public.notification_settings to service_role;

-- "Never twice for the same certificate job and event" looks through the whole history of notify
-- jobs (the live-key index covers pending and processing only): an index on their keys keeps it cheap.
create index job_queue_notify_key_idx on public.job_queue (job_key)
  where job_type in ('notify.email', 'notify.webhook');

create or replace function public.get_notification_settings() returns public.notification_settings
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_settings public.notification_settings;
begin
  perform tessera.require_admin();
  select s.* into v_settings from public.notification_settings s where s.id;
  if not found then
    -- Someone deleted the row directly: the defaults (everything off) apply.
    v_settings := row(true, false, false, false, false, '{}'::text[], now(), null)::public.notification_settings;
  end if;
  return v_settings;
end
$$;

-- Partial update: only the keys given change. Unknown keys, wrong types and bad URLs are refused
-- with 22023 naming the key, and nothing is written.
create or replace function public.set_notification_settings(p_settings jsonb) returns public.notification_settings
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_key text;
  v_value jsonb;
  v_url jsonb;
  v_urls text[];
  v_settings public.notification_settings;
begin
  perform tessera.require_admin();
  if p_settings is null or jsonb_typeof(p_settings) <> 'object' then
    raise exception 'settings must be a JSON object, got %', coalesce(jsonb_typeof(p_settings), 'null')
      using errcode = '22023';
  end if;
  for v_key, v_value in select e.key, e.value from jsonb_each(p_settings) e loop
    case
      when v_key in ('email_on_completed', 'email_on_failed', 'webhook_on_completed', 'webhook_on_failed') then
        if jsonb_typeof(v_value) <> 'boolean' then
          raise exception 'setting % must be true or false, got %', v_key, jsonb_typeof(v_value) using errcode = '22023';
        end if;
      when v_key = 'webhook_urls' then
        if jsonb_typeof(v_value) <> 'array' or jsonb_array_length(v_value) > 10 then
          raise exception 'setting webhook_urls must be an array of at most 10 URLs' using errcode = '22023';
        end if;
        for v_url in select a.value from jsonb_array_elements(v_value) a loop
          if jsonb_typeof(v_url) <> 'string' or not tessera.valid_webhook_url(v_url #>> '{}') then
            raise exception 'setting webhook_urls: % is not an http(s) URL without credentials', left(v_url::text, 200)
              using errcode = '22023', hint = 'e.g. https://example.org/hooks/tessera (at most 2000 characters)';
          end if;
        end loop;
        select array_agg(a.value order by a.ordinality) into v_urls
          from jsonb_array_elements_text(v_value) with ordinality a;
        if not tessera.valid_webhook_urls(coalesce(v_urls, '{}')) then
          raise exception 'setting webhook_urls lists a URL twice' using errcode = '22023';
        end if;
      else
        raise exception 'unknown setting %', left(v_key, 80) using errcode = '22023',
          hint = 'known: email_on_completed, email_on_failed, webhook_on_completed, webhook_on_failed, webhook_urls '
                 '(attempts, backoff and timeout of notify.* jobs: set_job_type_settings)';
    end case;
  end loop;

  insert into public.notification_settings as s (id) values (true) on conflict (id) do nothing;
  update public.notification_settings s
     set email_on_completed = coalesce((p_settings ->> 'email_on_completed')::boolean, s.email_on_completed),
         email_on_failed = coalesce((p_settings ->> 'email_on_failed')::boolean, s.email_on_failed),
         webhook_on_completed = coalesce((p_settings ->> 'webhook_on_completed')::boolean, s.webhook_on_completed),
         webhook_on_failed = coalesce((p_settings ->> 'webhook_on_failed')::boolean, s.webhook_on_failed),
         webhook_urls = case when p_settings ? 'webhook_urls' then coalesce(v_urls, '{}') else s.webhook_urls end,
         updated_at = now(),
         updated_by = auth.uid()
   where s.id
  returning s.* into v_settings;
  return v_settings;
end
$$;

-- A service job that is enqueued at most once per key, ever (not only while live), with its
-- type's policies (default_max_attempts, timeout_seconds: 0018's trusted enqueue).
create or replace function tessera.enqueue_notification(
  p_job_type text,
  p_payload jsonb,
  p_job_key text
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  -- The literal list matches the partial index's predicate, so even a generic plan uses it.
  if exists (select 1 from public.job_queue j
              where j.job_type in ('notify.email', 'notify.webhook')
                and j.job_type = p_job_type and j.job_key = p_job_key) then
    return;
  end if;
  perform tessera.enqueue_trusted(null, p_job_type, p_payload, 5, null, null, p_job_key);
end
$$;

-- Row trigger on certificate jobs reaching completed or failed (final: a retried attempt goes back
-- to pending, not failed). Everything runs in a subtransaction whose errors are only warned about:
-- a notification problem must never make the certificate's complete_job or fail_job fail.
create or replace function tessera.enqueue_certificate_notifications() returns trigger
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_event text := new.status;
  v_settings public.notification_settings;
  v_certificate_id uuid;
  v_email text;
  v_payload jsonb;
  v_url text;
  v_email_on boolean;
  v_webhook_on boolean;
begin
  select s.* into v_settings from public.notification_settings s where s.id;
  if not found then
    return null;
  end if;
  v_email_on := case v_event when 'completed' then v_settings.email_on_completed else v_settings.email_on_failed end;
  v_webhook_on := cardinality(v_settings.webhook_urls) > 0
    and case v_event when 'completed' then v_settings.webhook_on_completed else v_settings.webhook_on_failed end;
  if not (v_email_on or v_webhook_on) then
    return null;
  end if;
  begin
    if coalesce(new.payload ->> 'certificate_id', '') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      return null;
    end if;
    select c.id into v_certificate_id from public.certificates c
     where c.id = (new.payload ->> 'certificate_id')::uuid and c.user_id is not distinct from new.user_id;
    if not found then
      return null;
    end if;
    v_payload := jsonb_build_object(
      'event', v_event, 'certificate_id', v_certificate_id, 'job_id', new.id, 'user_id', new.user_id);

    if v_email_on then
      -- auth.users is Supabase's (a minimal shim elsewhere); without an address there is no email job.
      if new.user_id is not null and to_regclass('auth.users') is not null then
        execute 'select u.email from auth.users u where u.id = $1' into v_email using new.user_id;
      end if;
      if nullif(btrim(v_email), '') is not null then
        perform tessera.enqueue_notification('notify.email', v_payload,
          format('%s:%s', new.id, v_event));
      end if;
    end if;

    if v_webhook_on then
      foreach v_url in array v_settings.webhook_urls loop
        perform tessera.enqueue_notification('notify.webhook', v_payload || jsonb_build_object('url', v_url),
          format('%s:%s:%s', new.id, v_event, md5(v_url)));
      end loop;
    end if;
  exception when others then
    raise warning 'notifications for certificate job % not enqueued: % (%)', new.id, sqlerrm, sqlstate;
  end;
  return null;
end
$$;

create trigger job_queue_certificate_notifications
  after update of status on public.job_queue
  for each row
  when (new.job_type = 'certificate' and new.status in ('completed', 'failed') and old.status is distinct from new.status)
  execute function tessera.enqueue_certificate_notifications();

-- What a notify job tells: the certificate, its event, the attendee's address and the job's outcome.
-- Service role only (workers that send); the address comes from auth.users.
create or replace function public.notification_details(p_certificate_id uuid, p_job_id uuid default null)
returns table (
  certificate_id uuid,
  serial text,
  attendee_name text,
  event_title text,
  event_date text,
  event_location text,
  user_id uuid,
  email text,
  issued_at timestamptz,
  pdf_bytes integer,
  job_id uuid,
  job_status text,
  job_error text
)
language plpgsql stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_email text;
  v_user uuid;
begin
  if not tessera.is_service_role() then
    raise exception 'not allowed: notification details are for the service role' using errcode = '42501';
  end if;
  select c.user_id into v_user from public.certificates c where c.id = p_certificate_id;
  if not found then
    raise exception 'certificate not found' using errcode = 'P0002';
  end if;
  if to_regclass('auth.users') is not null then
    execute 'select u.email from auth.users u where u.id = $1' into v_email using v_user;
  end if;
  return query
  select c.id, c.serial, c.attendee_name, e.title, to_char(e.starts_on, 'YYYY-MM-DD'), e.location, c.user_id, nullif(btrim(v_email), ''),
         c.issued_at, octet_length(c.pdf), j.id, j.status, j.error_message
    from public.certificates c
    join public.events e on e.id = c.event_id
    left join public.job_queue j on j.id = coalesce(p_job_id, c.job_id)
   where c.id = p_certificate_id;
end
$$;

revoke all on function public.get_notification_settings() from public, anon;
revoke all on function public.set_notification_settings(jsonb) from public, anon;
revoke all on function public.notification_details(uuid, uuid) from public, anon, authenticated;
revoke all on function tessera.enqueue_notification(text, jsonb, text) from public;
revoke all on function tessera.enqueue_certificate_notifications() from public;
grant execute on function public.get_notification_settings() to authenticated, service_role;
grant execute on function public.set_notification_settings(jsonb) to authenticated, service_role;
grant execute on function public.notification_details(uuid, uuid) to service_role;

-- Server-only job types (0018's policies): no user may enqueue them, since a user's notify.webhook
-- could aim a signed request anywhere (the processors also refuse a notify job that has an owner).
-- Ten attempts: the default backoff spaces them 2 s, 4 s, ... (about 17 minutes in all), which
-- rides out a short SMTP or receiver outage. Admins tune both with set_job_type_settings.
select public.set_job_type_settings('notify.email', '{"user_enqueue": false, "default_max_attempts": 10}'::jsonb);
select public.set_job_type_settings('notify.webhook', '{"user_enqueue": false, "default_max_attempts": 10}'::jsonb);
