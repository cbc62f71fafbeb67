#!/usr/bin/env bash
# Applies supabase/local/*.sql then supabase/migrations/*.sql, in name order, with plain psql on a
# new empty database, exactly as the README tells users to. Skips (saying why) without psql or a server.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! command -v psql >/dev/null 2>&1; then
  echo "[psql check] skipped: psql is not installed"; exit 0
fi
if ! psql "$url" -Atqc 'select 1' >/dev/null 2>&1; then
  echo "[psql check] skipped: no Postgres answers at $url"; exit 0
fi
db="tessera_psql_check_$$"
db_url="$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$url" "$db")"
psql "$url" -qc "create database $db" >/dev/null
trap 'psql "$url" -qc "drop database if exists $db with (force)" >/dev/null' EXIT
export PGOPTIONS="-c client_min_messages=warning"
for file in supabase/local/*.sql supabase/migrations/*.sql; do
  psql "$db_url" -v ON_ERROR_STOP=1 -q -f "$file" >/dev/null
done
count=$(psql "$db_url" -Atc "select count(*) from pg_proc where pronamespace = 'public'::regnamespace")
echo "[psql check] $(ls supabase/local/*.sql supabase/migrations/*.sql | wc -l) files applied with psql on $(psql "$url" -Atc 'show server_version' | cut -d' ' -f1); public functions: $count"
