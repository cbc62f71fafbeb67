-- Tessera 0010: push job changes to the owner's browser with Supabase Realtime "Broadcast from
-- the database" (one private channel per user, jobs:<user_id>, authorised by RLS on
-- realtime.messages) rather than postgres_changes, which re-checks RLS per subscriber and change.
-- Guarded: plain Postgres and PGlite have no realtime schema and skip it without error.

do $guard$
begin
  if to_regprocedure('realtime.broadcast_changes(text, text, text, text, text, record, record, text)') is null then
    raise notice 'realtime.broadcast_changes() not found: Realtime push not installed (plain Postgres or PGlite)';
    return;
  end if;

  execute $sql$
    create or replace function tessera.broadcast_job_change() returns trigger
    language plpgsql security definer set search_path = ''
    as $fn$
    declare
      v_owner uuid := coalesce(new.user_id, old.user_id);
    begin
      if v_owner is not null then
        perform realtime.broadcast_changes(
          'jobs:' || v_owner::text, tg_op, tg_op, tg_table_name, tg_table_schema, new, old, 'ROW');
      end if;
      return null;
    end
    $fn$
  $sql$;

  execute 'drop trigger if exists job_queue_broadcast on public.job_queue';
  execute 'create trigger job_queue_broadcast after insert or update or delete on public.job_queue
             for each row execute function tessera.broadcast_job_change()';

  execute 'drop policy if exists tessera_jobs_channel_owner on realtime.messages';
  execute $sql$
    create policy tessera_jobs_channel_owner on realtime.messages
      for select to authenticated
      using (realtime.topic() = 'jobs:' || (select auth.uid())::text
             and realtime.messages.extension = 'broadcast')
  $sql$;
end
$guard$;
