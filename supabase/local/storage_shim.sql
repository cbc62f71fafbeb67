-- A minimal stand-in for Supabase's storage schema (storage.buckets, storage.objects with RLS on,
-- storage.foldername/filename/extension), for the certificate storage policy tests only
-- (supabase/tests/certificateStorage*.test.ts), so that 0023's guarded part runs and its
-- policies can be tested on plain Postgres and PGlite.
--
-- Every tool applies every file of supabase/local/ (psql loop, readSchemaFiles, the embedded app),
-- and a database with a storage schema gets the certificates bucket. So this file does nothing
-- unless the session asks for it first:
--   set tessera.storage_shim = 'on';
-- and never where a storage schema already exists (Supabase).

do $shim$
begin
  if coalesce(current_setting('tessera.storage_shim', true), '') <> 'on' then
    return;
  end if;
  if to_regnamespace('storage') is not null then
    raise notice 'a storage schema exists already: the storage shim is not applied';
    return;
  end if;

  create schema storage;
  grant usage on schema storage to anon, authenticated, service_role;

  -- Columns as in Supabase's storage migrations (the ones the policies and the stores use, and a
  -- few neighbours so that the same SQL runs on both).
  create table storage.buckets (
    id text primary key,
    name text not null unique,
    owner uuid,
    public boolean default false,
    file_size_limit bigint,
    allowed_mime_types text[],
    created_at timestamptz default now(),
    updated_at timestamptz default now()
  );

  create table storage.objects (
    id uuid primary key default gen_random_uuid(),
    bucket_id text references storage.buckets (id),
    name text,
    owner uuid,
    owner_id text,
    metadata jsonb,
    user_metadata jsonb,
    version text,
    path_tokens text[] generated always as (string_to_array(name, '/')) stored,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    last_accessed_at timestamptz default now(),
    constraint objects_bucket_name_unique unique (bucket_id, name)
  );

  -- Supabase grants the API roles everything on these tables and lets RLS decide.
  alter table storage.buckets enable row level security;
  alter table storage.objects enable row level security;
  grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

  -- The folders of an object name: 'a/b/c.pdf' → {a,b}.
  create function storage.foldername(name text) returns text[]
  language plpgsql immutable
  as $fn$
  declare
    _parts text[];
  begin
    select string_to_array(name, '/') into _parts;
    return _parts[1:array_length(_parts, 1) - 1];
  end
  $fn$;

  create function storage.filename(name text) returns text
  language plpgsql immutable
  as $fn$
  declare
    _parts text[];
  begin
    select string_to_array(name, '/') into _parts;
    return _parts[array_length(_parts, 1)];
  end
  $fn$;

  create function storage.extension(name text) returns text
  language plpgsql immutable
  as $fn$
  declare
    _parts text[];
    _filename text;
  begin
    select string_to_array(name, '/') into _parts;
    select _parts[array_length(_parts, 1)] into _filename;
    return reverse(split_part(reverse(_filename), '.', 1));
  end
  $fn$;

  grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
    to anon, authenticated, service_role;
end
$shim$;
