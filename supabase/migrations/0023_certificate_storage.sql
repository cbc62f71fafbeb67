-- Tessera 0023: where certificate PDFs live, and links that download them without signing in.
--
-- Two stores (packages/certificates/src/store): `database` keeps the bytes in certificates.pdf
-- (the embedded default, plain Postgres, the tests) and downloads them through short-lived
-- random tokens, redeemed by anyone who holds one (the /download/<token> page, email links);
-- `supabase-storage` keeps them in the private bucket `certificates` at <user_id>/<serial>.pdf,
-- uploaded by the service role and downloaded through Storage's signed URLs. The token SQL is
-- everywhere; the bucket and its RLS policies only where the `storage` schema exists (Supabase).

-- Download tokens: only a hash is kept, so a database dump holds no working link.
create table tessera.certificate_downloads (
  token_hash bytea primary key
    constraint certificate_downloads_hash_length check (octet_length(token_hash) = 32),
  certificate_id uuid not null references public.certificates (id) on delete cascade,
  -- Who asked: the owner's user id, or null for the service role (a worker mailing the link).
  created_by uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  redeemed_count integer not null default 0
    constraint certificate_downloads_redeemed_count check (redeemed_count >= 0),
  last_redeemed_at timestamptz,
  constraint certificate_downloads_lifetime
    check (expires_at > created_at and expires_at <= created_at + interval '7 days')
);
create index certificate_downloads_certificate_idx on tessera.certificate_downloads (certificate_id, expires_at);
create index certificate_downloads_expires_idx on tessera.certificate_downloads (expires_at);
comment on table tessera.certificate_downloads is
  'Short-lived download links of certificate PDFs kept in the database; sha256 of the token only.';
alter table tessera.certificate_downloads enable row level security;
revoke all on tessera.certificate_downloads from public;

-- Where the supabase-storage store keeps a certificate: decided here, never by a worker.
create or replace function tessera.certificate_object_path(p_certificate public.certificates) returns text
language sql immutable
set search_path = ''
as $$
  select p_certificate.user_id::text || '/' || p_certificate.serial || '.pdf'
$$;

-- The certificate a certificate job was made for (request_certificate's row), or not found.
create or replace function tessera.certificate_of_job(p_job public.job_queue) returns public.certificates
language plpgsql stable
set search_path = ''
as $$
declare
  v_certificate public.certificates;
begin
  if p_job.job_type <> 'certificate' then
    raise exception 'job % is a % job, not a certificate job', p_job.id, p_job.job_type using errcode = '22023';
  end if;
  select c.* into v_certificate from public.certificates c
   where c.job_id = p_job.id
     and c.id = (p_job.payload ->> 'certificate_id')::uuid
     and c.user_id = p_job.user_id;
  if not found then
    raise exception 'no certificate belongs to job %', p_job.id using errcode = 'P0002';
  end if;
  return v_certificate;
end
$$;

-- An issued certificate, where it is stored, and (p_with_pdf) its bytes when they are in the
-- database. For its owner, a queue admin or the service role; others get "not found".
create or replace function public.get_certificate_file(p_certificate_id uuid, p_with_pdf boolean default false)
returns table (certificate_id uuid, user_id uuid, serial text, filename text, storage_path text, bytes integer,
               pdf_base64 text)
language plpgsql stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := tessera.require_caller();
  v_all boolean := public.is_queue_admin();
  v_certificate public.certificates;
begin
  select c.* into v_certificate from public.certificates c
   where c.id = p_certificate_id and c.issued_at is not null and (v_all or c.user_id = v_uid);
  if not found then
    raise exception 'certificate not found' using errcode = 'P0002';
  end if;
  return query select v_certificate.id, v_certificate.user_id, v_certificate.serial, v_certificate.serial || '.pdf',
                      v_certificate.storage_path, octet_length(v_certificate.pdf),
                      case when coalesce(p_with_pdf, false) and v_certificate.pdf is not null
                           then replace(encode(v_certificate.pdf, 'base64'), E'\n', '') end;
end
$$;

-- A download link for a PDF kept in the database: the owner (from the browser) or the service
-- role (a worker writing an email) asks; the token is returned once and only its hash is kept.
create or replace function public.create_certificate_download(
  p_certificate_id uuid,
  p_expires_in_seconds integer default 900
) returns table (token text, expires_at timestamptz, filename text)
language plpgsql volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := tessera.require_caller();
  v_service boolean := tessera.is_service_role();
  v_certificate public.certificates;
  v_token text;
  v_expires_at timestamptz;
begin
  if p_expires_in_seconds is null or p_expires_in_seconds not between 1 and 604800 then
    raise exception 'p_expires_in_seconds must be between 1 and 604800 (7 days), got %', p_expires_in_seconds
      using errcode = '22023';
  end if;
  select c.* into v_certificate from public.certificates c
   where c.id = p_certificate_id and c.issued_at is not null and (v_service or c.user_id = v_uid);
  if not found then
    raise exception 'certificate not found' using errcode = 'P0002';
  end if;
  if v_certificate.pdf is null then
    raise exception 'certificate % is kept in Supabase Storage (%): download it through a signed URL',
      v_certificate.serial, v_certificate.storage_path
      using errcode = '55000', hint = 'use the supabase-storage CertificateStore';
  end if;

  -- Housekeeping while here: links expired for a day are gone (until then they say "expired").
  delete from tessera.certificate_downloads d where d.expires_at < now() - interval '1 day';
  if (select count(*) from tessera.certificate_downloads d
       where d.certificate_id = v_certificate.id and d.expires_at > now()) >= 100 then
    raise exception 'certificate % has 100 live download links: wait for some to expire', v_certificate.serial
      using errcode = '55000';
  end if;

  -- 244 random bits from the strong generator behind gen_random_uuid (pgcrypto is not needed).
  v_token := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
  v_expires_at := now() + make_interval(secs => p_expires_in_seconds);
  insert into tessera.certificate_downloads (token_hash, certificate_id, created_by, expires_at)
  values (sha256(decode(v_token, 'hex')), v_certificate.id, v_uid, v_expires_at);
  return query select v_token, v_expires_at, v_certificate.serial || '.pdf';
end
$$;

-- Anyone holding a live token gets the PDF (the link is the permission, like a signed URL).
-- Unknown and expired tokens are refused with different messages; neither reveals anything.
create or replace function public.redeem_certificate_download(p_token text)
returns table (filename text, content_type text, bytes integer, pdf_base64 text, expires_at timestamptz)
language plpgsql volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_download tessera.certificate_downloads;
  v_certificate public.certificates;
begin
  if p_token is null or p_token !~ '^[0-9a-f]{64}$' then
    raise exception 'malformed download link: the token is 64 hexadecimal characters' using errcode = '22023';
  end if;
  select d.* into v_download from tessera.certificate_downloads d
   where d.token_hash = sha256(decode(p_token, 'hex'))
     for update;
  if not found then
    raise exception 'download link not found: it was mistyped, or it expired more than a day ago'
      using errcode = 'P0002', hint = 'ask for a new link';
  end if;
  if v_download.expires_at <= now() then
    raise exception 'download link expired at %', to_char(v_download.expires_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"')
      using errcode = '55000', hint = 'ask for a new link';
  end if;
  select c.* into v_certificate from public.certificates c where c.id = v_download.certificate_id;
  if v_certificate.pdf is null then
    raise exception 'certificate % is no longer kept in the database', v_certificate.serial using errcode = '55000';
  end if;
  update tessera.certificate_downloads d
     set redeemed_count = d.redeemed_count + 1, last_redeemed_at = now()
   where d.token_hash = v_download.token_hash;
  return query select v_certificate.serial || '.pdf', 'application/pdf'::text, octet_length(v_certificate.pdf),
                      replace(encode(v_certificate.pdf, 'base64'), E'\n', ''), v_download.expires_at;
end
$$;

-- supabase-storage, step 1: the object path for a certificate job's PDF (service role only:
-- no user writes in the bucket). With p_worker_id, only for that lease holder, so that a worker
-- whose lease was lost learns it before uploading.
create or replace function public.certificate_upload_path(p_job_id uuid, p_worker_id text default null) returns text
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := tessera.require_caller();
  v_job public.job_queue;
begin
  if not tessera.is_service_role() then
    raise exception 'not allowed: only the service role uploads certificate files' using errcode = '42501';
  end if;
  select j.* into v_job from public.job_queue j where j.id = p_job_id;
  if not found then
    raise exception 'job not found' using errcode = 'P0002';
  end if;
  if p_worker_id is not null and not tessera.holds_lease(v_job, p_worker_id, v_uid, true) then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  return tessera.certificate_object_path(tessera.certificate_of_job(v_job));
end
$$;

-- supabase-storage, step 2 (after the upload): the certificate is issued, its file at the path
-- step 1 gave. Service role only, while the job runs; with p_worker_id, only by that lease holder
-- (the stores always pass it). Where the storage schema exists the object must be there, a PDF,
-- of the size uploaded.
create or replace function public.save_certificate_object(p_job_id uuid, p_bytes integer, p_worker_id text default null)
returns table (serial text, issued_at timestamptz, bytes integer, storage_path text)
language plpgsql volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid uuid := tessera.require_caller();
  v_job public.job_queue;
  v_certificate public.certificates;
  v_path text;
  v_metadata jsonb;
begin
  if not tessera.is_service_role() then
    raise exception 'not allowed: only the service role uploads certificate files' using errcode = '42501';
  end if;
  if p_bytes is null or p_bytes not between 5 and 2097152 then
    raise exception 'p_bytes must be between 5 and 2097152 (2 MiB), got %', p_bytes using errcode = '22023';
  end if;
  select j.* into v_job from public.job_queue j where j.id = p_job_id for update;
  if not found then
    raise exception 'job not found' using errcode = 'P0002';
  end if;
  if p_worker_id is not null and not tessera.holds_lease(v_job, p_worker_id, v_uid, true) then
    perform tessera.raise_lease_lost(p_job_id, p_worker_id);
  end if;
  v_certificate := tessera.certificate_of_job(v_job);
  if v_job.status <> 'processing' then
    raise exception 'job % is %, not processing: its certificate is saved while it runs', p_job_id, v_job.status
      using errcode = '55000';
  end if;
  v_path := tessera.certificate_object_path(v_certificate);

  if to_regclass('storage.objects') is not null then
    begin
      execute 'select o.metadata from storage.objects o where o.bucket_id = $1 and o.name = $2'
         into v_metadata using 'certificates', v_path;
      if v_metadata is null then
        raise exception 'certificates/% was not uploaded', v_path using errcode = 'P0002';
      end if;
      if coalesce(v_metadata ->> 'mimetype', '') <> 'application/pdf' then
        raise exception 'certificates/% is %, not application/pdf', v_path, coalesce(v_metadata ->> 'mimetype', 'untyped')
          using errcode = '22023';
      end if;
      if (v_metadata ->> 'size') is not null and (v_metadata ->> 'size') <> p_bytes::text then
        raise exception 'certificates/% has % bytes, not %', v_path, v_metadata ->> 'size', p_bytes using errcode = '22023';
      end if;
    exception when insufficient_privilege then
      -- A project whose migration role cannot read storage.objects: the upload's own answer is trusted.
      null;
    end;
  end if;

  update public.certificates c
     set storage_path = v_path, pdf = null, issued_at = now()
   where c.id = v_certificate.id
  returning c.* into v_certificate;
  return query select v_certificate.serial, v_certificate.issued_at, p_bytes, v_certificate.storage_path;
end
$$;

revoke all on function tessera.certificate_object_path(public.certificates) from public;
revoke all on function tessera.certificate_of_job(public.job_queue) from public;
revoke all on function public.get_certificate_file(uuid, boolean) from public, anon;
revoke all on function public.create_certificate_download(uuid, integer) from public, anon;
revoke all on function public.redeem_certificate_download(text) from public;
revoke all on function public.certificate_upload_path(uuid, text) from public, anon;
revoke all on function public.save_certificate_object(uuid, integer, text) from public, anon;
grant execute on function public.get_certificate_file(uuid, boolean) to authenticated, service_role;
grant execute on function public.create_certificate_download(uuid, integer) to authenticated, service_role;
grant execute on function public.redeem_certificate_download(text) to anon, authenticated, service_role;
-- Granted to users so that their calls fail in the body with a clear message (service role only).
grant execute on function public.certificate_upload_path(uuid, text) to authenticated, service_role;
grant execute on function public.save_certificate_object(uuid, integer, text) to authenticated, service_role;

-- Supabase only: the private bucket and who may touch its objects. Plain Postgres, PGlite and
-- the embedded app have no storage schema and skip this (supabase/local/storage_shim.sql stands
-- in for it in the policy tests).
do $guard$
begin
  if to_regclass('storage.buckets') is null or to_regclass('storage.objects') is null
     or to_regprocedure('storage.foldername(text)') is null then
    raise notice 'no storage schema here (plain Postgres or PGlite): the certificates bucket exists on Supabase only';
    return;
  end if;

  -- Private; 2 MiB and PDFs only, as save_certificate allows in the database.
  execute $sql$
    insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
    values ('certificates', 'certificates', false, 2097152, array['application/pdf'])
    on conflict (id) do update
      set public = false, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types
  $sql$;

  execute 'drop policy if exists tessera_certificates_owner_read on storage.objects';
  execute 'drop policy if exists tessera_certificates_read_guard on storage.objects';
  execute 'drop policy if exists tessera_certificates_no_insert on storage.objects';
  execute 'drop policy if exists tessera_certificates_no_update on storage.objects';
  execute 'drop policy if exists tessera_certificates_no_delete on storage.objects';

  -- A signed-in user reads (and so signs URLs for) the objects under their own <user_id>/ only.
  execute $sql$
    create policy tessera_certificates_owner_read on storage.objects
      for select to authenticated
      using (bucket_id = 'certificates' and (storage.foldername(name))[1] = (select auth.uid())::text)
  $sql$;
  -- Restrictive guards: whatever permissive policies the project adds for its other buckets,
  -- in this one nobody but the owner reads and no API user writes (the service role bypasses RLS).
  execute $sql$
    create policy tessera_certificates_read_guard on storage.objects
      as restrictive for select to anon, authenticated
      using (bucket_id is distinct from 'certificates'
             or (storage.foldername(name))[1] = (select auth.uid())::text)
  $sql$;
  execute $sql$
    create policy tessera_certificates_no_insert on storage.objects
      as restrictive for insert to anon, authenticated
      with check (bucket_id is distinct from 'certificates')
  $sql$;
  execute $sql$
    create policy tessera_certificates_no_update on storage.objects
      as restrictive for update to anon, authenticated
      using (bucket_id is distinct from 'certificates')
      with check (bucket_id is distinct from 'certificates')
  $sql$;
  execute $sql$
    create policy tessera_certificates_no_delete on storage.objects
      as restrictive for delete to anon, authenticated
      using (bucket_id is distinct from 'certificates')
  $sql$;
end
$guard$;
