-- Tessera 0009: the certificate app. Events, registrations and certificates; the certificate
-- job's payload is built here from the database (never from the client), and /verify reads
-- database fields only: a browser worker is the user, so nothing it reports is trusted.

create table public.events (
  id uuid primary key default gen_random_uuid(),
  title text not null constraint events_title_length check (length(btrim(title)) between 1 and 200),
  starts_on date not null,
  location text constraint events_location_length check (length(location) <= 200),
  created_at timestamptz not null default now()
);

create table public.event_registrations (
  event_id uuid not null references public.events (id) on delete cascade,
  user_id uuid not null,
  attendee_name text not null
    constraint event_registrations_name_length check (length(btrim(attendee_name)) between 1 and 200),
  registered_at timestamptz not null default now(),
  primary key (event_id, user_id)
);
create index event_registrations_user_idx on public.event_registrations (user_id);

create sequence public.certificate_serial_seq;

create table public.certificates (
  id uuid primary key default gen_random_uuid(),
  serial text not null unique
    constraint certificates_serial_format check (serial ~ '^TSR-[0-9]{4}-[0-9]{6,}$'),
  verification_code text not null
    constraint certificates_code_format check (verification_code ~ '^[A-Z2-9]{4}-[A-Z2-9]{4}$'),
  user_id uuid not null,
  event_id uuid not null references public.events (id) on delete cascade,
  -- Snapshot at request time: the name printed is the name verified.
  attendee_name text not null,
  job_id uuid references public.job_queue (id) on delete set null,
  pdf bytea constraint certificates_pdf_size check (octet_length(pdf) <= 2097152),
  storage_path text,
  issued_at timestamptz,
  created_at timestamptz not null default now(),
  constraint certificates_one_per_attendee unique (user_id, event_id),
  constraint certificates_issued_has_file check (issued_at is null or pdf is not null or storage_path is not null)
);
create index certificates_job_idx on public.certificates (job_id);

alter table public.events enable row level security;
alter table public.event_registrations enable row level security;
alter table public.certificates enable row level security;
revoke all on public.events, public.event_registrations, public.certificates from public, anon, authenticated;
grant select on public.events to anon, authenticated;
grant select on public.event_registrations, public.certificates to authenticated;
grant all on public.events, public.event_registrations, public.certificates to service_role;
revoke all on sequence public.certificate_serial_seq from public, anon, authenticated;

create policy events_public_read on public.events for select to anon, authenticated using (true);
create policy event_registrations_own_or_admin on public.event_registrations for select to authenticated
  using (user_id = (select auth.uid()) or (select public.is_queue_admin()));
create policy certificates_own_or_admin on public.certificates for select to authenticated
  using (user_id = (select auth.uid()) or (select public.is_queue_admin()));

-- XXXX-XXXX from an alphabet without look-alikes (no 0/O, 1/I).
create or replace function tessera.new_verification_code() returns text
language sql volatile
set search_path = ''
as $$
  select string_agg(
           case when i = 5 then '-' else substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + floor(random() * 32)::int, 1) end,
           '' order by i)
    from generate_series(1, 9) i
$$;

-- The signed-in attendee asks for the certificate of an event they are registered for. Returns
-- the certificate job: the same live job on a double click (job_key), the finished job once issued.
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

  v_job := public.enqueue_job(
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

-- The lease holder of a certificate job stores its PDF (base64, so every transport can send it).
-- Only the job request_certificate made for that certificate can write it.
create or replace function public.save_certificate(
  p_job_id uuid,
  p_worker_id text,
  p_pdf_base64 text
) returns table (serial text, issued_at timestamptz, bytes integer)
language plpgsql volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_job public.job_queue;
  v_pdf bytea;
  v_certificate public.certificates;
begin
  select j.* into v_job from public.job_queue j
   where j.id = p_job_id and tessera.holds_lease(j, p_worker_id, v_uid, v_service);
  if not found then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  if v_job.job_type <> 'certificate' then
    raise exception 'job % is a % job, not a certificate job', p_job_id, v_job.job_type using errcode = '22023';
  end if;
  begin
    v_pdf := decode(p_pdf_base64, 'base64');
  exception when others then
    raise exception 'pdf must be base64' using errcode = '22023';
  end;
  if v_pdf is null or octet_length(v_pdf) > 2097152 then
    raise exception 'pdf must be present and at most 2 MiB, got % bytes', coalesce(octet_length(v_pdf), 0)
      using errcode = '22023';
  end if;
  if substring(v_pdf from 1 for 5) <> '\x255044462d'::bytea then
    raise exception 'not a PDF: the file does not start with %%PDF-' using errcode = '22023';
  end if;
  update public.certificates c
     set pdf = v_pdf, issued_at = now()
   where c.job_id = p_job_id
     and c.id = (v_job.payload ->> 'certificate_id')::uuid
     and c.user_id = v_job.user_id
  returning c.* into v_certificate;
  if not found then
    raise exception 'no certificate belongs to job %', p_job_id using errcode = 'P0002';
  end if;
  return query select v_certificate.serial, v_certificate.issued_at, octet_length(v_pdf);
end
$$;

-- Public: anyone with a serial (the QR code) sees who attended what, and whether a code matches.
create or replace function public.verify_certificate(p_serial text, p_verification_code text default null)
returns table (serial text, attendee_name text, event_title text, event_date date, event_location text,
               issued_at timestamptz, code_matches boolean)
language sql stable
security definer
set search_path = ''
as $$
  select c.serial, c.attendee_name, e.title, e.starts_on, e.location, c.issued_at,
         case when p_verification_code is null then null
              else upper(btrim(p_verification_code)) = c.verification_code end
    from public.certificates c
    join public.events e on e.id = c.event_id
   where c.serial = upper(btrim(p_serial))
     and c.issued_at is not null
$$;

-- The signed-in attendee's events with the state of each certificate.
create or replace function public.my_events()
returns table (event_id uuid, title text, starts_on date, location text, attendee_name text,
               certificate_serial text, certificate_issued_at timestamptz, job_id uuid)
language plpgsql stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null then
    raise exception 'not authenticated' using errcode = '42501';
  end if;
  return query
  select e.id, e.title, e.starts_on, e.location, r.attendee_name, c.serial, c.issued_at, c.job_id
    from public.event_registrations r
    join public.events e on e.id = r.event_id
    left join public.certificates c on c.event_id = r.event_id and c.user_id = r.user_id
   where r.user_id = v_uid
   order by e.starts_on desc, e.title;
end
$$;

-- The caller's issued certificates (admins: everyone's), newest first.
create or replace function public.my_certificates()
returns table (serial text, verification_code text, attendee_name text, event_title text, event_date date,
               issued_at timestamptz, bytes integer)
language plpgsql stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := tessera.require_caller();
begin
  return query
  select c.serial, c.verification_code, c.attendee_name, e.title, e.starts_on, c.issued_at, octet_length(c.pdf)
    from public.certificates c
    join public.events e on e.id = c.event_id
   where c.issued_at is not null
     and c.user_id = v_uid
   order by c.issued_at desc;
end
$$;

-- The PDF, base64, for its owner or an admin.
create or replace function public.get_certificate_pdf(p_serial text) returns text
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_all boolean := public.is_queue_admin();
  v_pdf bytea;
begin
  select c.pdf into v_pdf from public.certificates c
   where c.serial = upper(btrim(p_serial)) and c.issued_at is not null and (v_all or c.user_id = v_uid);
  if v_pdf is null then
    raise exception 'certificate not found' using errcode = 'P0002';
  end if;
  return replace(encode(v_pdf, 'base64'), E'\n', '');
end
$$;

revoke all on function public.request_certificate(uuid) from public, anon;
revoke all on function public.save_certificate(uuid, text, text) from public, anon;
revoke all on function public.verify_certificate(text, text) from public;
revoke all on function public.my_events() from public, anon;
revoke all on function public.my_certificates() from public, anon;
revoke all on function public.get_certificate_pdf(text) from public, anon;
grant execute on function public.request_certificate(uuid) to authenticated;
grant execute on function public.save_certificate(uuid, text, text) to authenticated, service_role;
grant execute on function public.verify_certificate(text, text) to anon, authenticated, service_role;
grant execute on function public.my_events() to authenticated;
grant execute on function public.my_certificates() to authenticated, service_role;
grant execute on function public.get_certificate_pdf(text) to authenticated, service_role;
