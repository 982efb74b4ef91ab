#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite.
#
#   scripts/pg-temp.sh start DIR   create (if needed) and start a cluster in DIR; prints
#                                  CARAVAN_TEST_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-temp.sh stop DIR    stop it (pg_ctl stop -m fast); safe to call twice
#
# The cluster lives in DIR/data, its socket in DIR/sock, its log in DIR/postgres.log, and the URL
# is also written to DIR/url. It listens on 127.0.0.1 only, on a free port, with trust auth and
# durability switched off (fsync=off): it is for tests, never for data anyone wants to keep.
# initdb refuses to run as root, so under root the server runs as the `postgres` system user
# (created if absent) and DIR is chowned to it. PostgreSQL 15 is installed with apt-get if
# /usr/lib/postgresql/15/bin is missing. Only the URL line goes to stdout; progress goes to stderr.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_USER=postgres
READY_TIMEOUT=30

log() { printf 'pg-temp: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

# Runs a command as the cluster's owner: the postgres user under root, else the current user.
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u "$PG_USER" -- "$@"
    else
      su "$PG_USER" -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

ensure_postgres_installed() {
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] && return 0
  [[ $EUID -eq 0 ]] || die "$PG_BIN/initdb is missing and installing PostgreSQL needs root (apt-get install postgresql-15)"
  log "installing PostgreSQL 15 with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends postgresql-15 >&2 \
    || apt-get install -y -q --no-install-recommends postgresql >&2
  [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL installed, but $PG_BIN/initdb is still missing"
}

ensure_postgres_user() {
  [[ $EUID -eq 0 ]] || return 0
  id -u "$PG_USER" >/dev/null 2>&1 && return 0
  log "creating system user $PG_USER"
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
}

# Whether something accepts TCP connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

wait_ready() {
  local port=$1 deadline=$(( SECONDS + READY_TIMEOUT ))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres; do
    if (( SECONDS >= deadline )); then
      return 1
    fi
    sleep 0.2
  done
}

start() {
  local dir=$1
  ensure_postgres_installed
  ensure_postgres_user
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  local data="$dir/data" sock="$dir/sock" logf="$dir/postgres.log"

  if [[ -f "$data/postmaster.pid" ]] && as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    die "a cluster is already running in $data (stop it first: $0 stop $dir)"
  fi

  mkdir -p "$sock"
  if [[ $EUID -eq 0 ]]; then
    chown -R "$PG_USER:" "$dir"
    as_owner test -w "$dir" \
      || die "user $PG_USER cannot write $dir (a parent directory is not searchable by it); use a directory under /tmp"
  fi

  if [[ ! -f "$data/PG_VERSION" ]]; then
    log "initdb in $data"
    as_owner "$PG_BIN/initdb" -D "$data" -U "$PG_USER" -A trust -E UTF8 --no-locale \
      --no-instructions >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi

  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    log "starting on 127.0.0.1:$port (attempt $attempt)"
    if as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$logf" -w -t "$READY_TIMEOUT" \
      -o "-p $port -k '$sock' -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null 2>&1; then
      if wait_ready "$port"; then
        local url="postgres://$PG_USER@127.0.0.1:$port/postgres"
        printf '%s\n' "$url" >"$dir/url"
        printf '%s\n' "$port" >"$dir/port"
        log "ready: $url"
        echo "CARAVAN_TEST_PG_URL=$url"
        return 0
      fi
      log "server started but did not accept connections within ${READY_TIMEOUT}s"
      as_owner "$PG_BIN/pg_ctl" -D "$data" stop -m immediate >/dev/null 2>&1 || true
    fi
    # Another process may have taken the port between the check and the start: try another.
    tail -n 5 "$logf" >&2 2>/dev/null || true
  done
  die "could not start PostgreSQL in $data (see $logf)"
}

stop() {
  local dir=$1
  [[ -d "$dir" ]] || { log "nothing to stop: $dir does not exist"; return 0; }
  local data="$dir/data"
  if [[ ! -f "$data/postmaster.pid" ]]; then
    log "not running: $data"
    return 0
  fi
  if [[ ! -x "$PG_BIN/pg_ctl" ]]; then
    die "$PG_BIN/pg_ctl missing; cannot stop $data"
  fi
  log "stopping $data"
  if ! as_owner "$PG_BIN/pg_ctl" -D "$data" stop -m fast -w -t 30 >/dev/null 2>&1; then
    # Already gone (a stale pid file) is fine; a server that would not stop is not.
    if as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      log "fast stop failed; stopping immediately"
      as_owner "$PG_BIN/pg_ctl" -D "$data" stop -m immediate -w -t 30 >/dev/null 2>&1 \
        || die "could not stop PostgreSQL in $data"
    fi
  fi
  log "stopped"
}

[[ $# -eq 2 ]] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
