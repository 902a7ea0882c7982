#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the feedback store tests, from Debian's packages.
#
#   scripts/postgres-test-cluster.sh [start]   start it (or find it running); print its URL on stdout
#   scripts/postgres-test-cluster.sh stop      stop it and delete its files
#   scripts/postgres-test-cluster.sh halt      stop it, keeping its files, so that `start` brings it back
#
# Then:  ATLAS_TEST_POSTGRES_URL=$(scripts/postgres-test-cluster.sh) .venv/bin/python -m pytest tests/test_feedback*.py
#
# Environment: PGPORT_TEST (default 55432), PG_TEST_DIR (default ${TMPDIR:-/tmp}/trigger-atlas-pg-PORT).
# The cluster trusts every local connection and runs with fsync off: for tests only, never for data you keep.
set -euo pipefail

port="${PGPORT_TEST:-55432}"
dir="${PG_TEST_DIR:-${TMPDIR:-/tmp}/trigger-atlas-pg-$port}"
database="atlas_test"
url="postgresql://postgres@127.0.0.1:$port/$database"

log() { printf 'postgres-test-cluster: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"

# PostgreSQL refuses to run as root; as root, the cluster belongs to the postgres system user.
run_as() {
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      log "creating the system user postgres"
      useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
    fi
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ready() { "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; }

ensure_database() {
  if ! run_as "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    run_as "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
    log "created database $database"
  fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    run_as "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
  log "stopped; removed $dir"
}

halt() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    run_as "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2
  fi
  log "halted; files kept in $dir"
}

start() {
  if ready; then
    log "already running on 127.0.0.1:$port"
    ensure_database
    printf '%s\n' "$url"
    return
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    log "initdb in $dir/data ($("$bindir/postgres" --version))"
    run_as "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2
  fi
  # The socket goes in the cluster's own folder: /var/run/postgresql may not exist or be writable.
  run_as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2 || { tail -n 20 "$dir/server.log" >&2; die "the server did not start; log above"; }
  for _ in $(seq 1 50); do
    ready && break
    sleep 0.2
  done
  ready || die "the server started but does not accept connections on 127.0.0.1:$port"
  ensure_database
  log "running on 127.0.0.1:$port (data in $dir; stop with: $0 stop)"
  printf '%s\n' "$url"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  halt) halt ;;
  *) die "usage: $0 [start|stop|halt]" ;;
esac
