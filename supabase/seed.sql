-- Demo data for `supabase db reset`. The certificate app's events and users arrive with its migration.
select 1;
