-- Demo data: three events, two attendees and an admin (the embedded mode's user switcher uses
-- these ids). Idempotent. On Supabase it also creates the users in auth.users (password
-- "tessera-demo"); on plain Postgres and PGlite the auth shim's minimal auth.users gets their
-- emails only (notifications read them).

insert into public.events (id, title, starts_on, location) values
  ('10000000-0000-4000-8000-000000000001', 'Postgres Queues Summit', '2026-10-14', 'Lisbon'),
  ('10000000-0000-4000-8000-000000000002', 'Συνέδριο Ανοιχτού Λογισμικού', '2026-09-03', 'Αθήνα'),
  ('10000000-0000-4000-8000-000000000003', 'Конференция «Распределённые системы»', '2026-11-20', 'Москва')
on conflict (id) do nothing;

insert into public.event_registrations (event_id, user_id, attendee_name) values
  ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a7a1', 'Ada Lovelace'),
  ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000a7a1', 'Ada Lovelace'),
  ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000b0b1', 'Борис Пастернак'),
  ('10000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000b0b1', 'Борис Пастернак'),
  ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000b0b1', 'Βόρις Παστερνάκ')
on conflict do nothing;

do $$
begin
  if to_regclass('auth.users') is null then
    return;
  end if;
  if not exists (select 1 from pg_catalog.pg_attribute
                  where attrelid = 'auth.users'::regclass and attname = 'encrypted_password' and not attisdropped) then
    -- The auth shim (plain Postgres, PGlite): id and email only.
    insert into auth.users (id, email) values
      ('00000000-0000-4000-8000-00000000a7a1', 'ada@tessera.test'),
      ('00000000-0000-4000-8000-00000000b0b1', 'boris@tessera.test'),
      ('00000000-0000-4000-8000-0000000ad001', 'admin@tessera.test')
    on conflict (id) do nothing;
    return;
  end if;
  insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                          raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
  select '00000000-0000-0000-0000-000000000000', u.id::uuid, 'authenticated', 'authenticated', u.email,
         extensions.crypt('tessera-demo', extensions.gen_salt('bf')), now(),
         u.app_meta::jsonb, jsonb_build_object('name', u.name), now(), now()
    from (values
      ('00000000-0000-4000-8000-00000000a7a1', 'ada@tessera.test', 'Ada Lovelace', '{"provider":"email"}'),
      ('00000000-0000-4000-8000-00000000b0b1', 'boris@tessera.test', 'Борис Пастернак', '{"provider":"email"}'),
      ('00000000-0000-4000-8000-0000000ad001', 'admin@tessera.test', 'Queue admin', '{"provider":"email","role":"admin"}')
    ) as u(id, email, name, app_meta)
  on conflict (id) do nothing;
exception when others then
  raise notice 'demo users not created in auth.users: %', sqlerrm;
end
$$;
