#!/usr/bin/env bash
# Sets up a separate Postgres 15 cluster with pg_cron preloaded, for the pg_cron path of the
# maintenance tests (supabase/tests/adminCron.postgres.test.ts). Idempotent: safe to run again.
# Never touches the main cluster (5432), which other tests share.
#   CLUSTER (default crontest), PORT (default 5439), CRON_DB (default tessera_cron)
# The tests then find it at TESSERA_PG_CRON_URL (default postgres://postgres@127.0.0.1:5439/postgres).
set -euo pipefail

VERSION=15
CLUSTER="${CLUSTER:-crontest}"
PORT="${PORT:-5439}"
CRON_DB="${CRON_DB:-tessera_cron}"

if ! dpkg -s "postgresql-${VERSION}-cron" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-${VERSION}-cron"
  else
    echo "postgresql-${VERSION}-cron is not installed and apt-get as root is not available: skipping" >&2
    exit 0
  fi
fi

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${VERSION} ${CLUSTER}"; then
  pg_createcluster "$VERSION" "$CLUSTER" --port "$PORT" -- --auth=trust >/dev/null
fi

CONF="/etc/postgresql/${VERSION}/${CLUSTER}/conf.d/tessera-pg-cron.conf"
WANTED="# Written by scripts/setup-pg-cron.sh
listen_addresses = '127.0.0.1'
shared_preload_libraries = 'pg_cron'
cron.database_name = '${CRON_DB}'"
changed=no
if [ "$(cat "$CONF" 2>/dev/null)" != "$WANTED" ]; then
  mkdir -p "$(dirname "$CONF")"
  printf '%s\n' "$WANTED" >"$CONF"
  chown -R postgres:postgres "$(dirname "$CONF")"
  changed=yes
fi

status="$(pg_lsclusters -h | awk -v c="$CLUSTER" -v v="$VERSION" '$1==v && $2==c {print $4}')"
if [ "$status" != online ]; then
  pg_ctlcluster "$VERSION" "$CLUSTER" start
elif [ "$changed" = yes ]; then
  pg_ctlcluster "$VERSION" "$CLUSTER" restart # preloaded libraries are read at start only
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname = '${CRON_DB}'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "create database ${CRON_DB}"
echo "pg_cron cluster ${VERSION}/${CLUSTER} on 127.0.0.1:${PORT} (cron.database_name = ${CRON_DB})"
