#!/usr/bin/env bash
# Caravan's benchmarks in one command: every scenario, one table, figures as JSON.
#
#   scripts/bench/run.sh                 full size (about 15-25 minutes on 2 cores)
#   scripts/bench/run.sh --smoke         every scenario briefly (CI keeps the harness working)
#   scripts/bench/run.sh pages --peer channel=https://hubzilla-a.test/channel/alice
#                                    one scenario (pages fanout inbound sync client size), and
#                                    any other option of target/release/bench (--help)
#
# Installs wrk with apt-get when missing (needs root), builds the release hub and bench binaries,
# starts a throwaway PostgreSQL cluster (scripts/pg-temp.sh) so the database-bound scenarios run on
# both backends (BENCH_PG=0: SQLite only), and writes target/bench/figures.json and
# target/bench/table.md. Everything listens on loopback and stops itself; nothing asserts a speed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd -P)
OUT="$ROOT/target/bench"
mkdir -p "$OUT"

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk" >&2
  if [[ $EUID -ne 0 ]]; then SUDO="sudo -n"; else SUDO=""; fi
  $SUDO apt-get install -y -q wrk >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q wrk >/dev/null; }
fi

cargo build -q --release -p hub -p caravan-bench

args=("$@")
if [[ ${#args[@]} -eq 0 || ${args[0]} == --* ]]; then
  args=(all "${args[@]}")
fi

PG_DIR=""
cleanup() {
  if [[ -n "$PG_DIR" ]]; then
    bash "$ROOT/scripts/pg-temp.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap cleanup EXIT
pg=()
if [[ ${BENCH_PG:-1} != 0 ]]; then
  PG_DIR=$(mktemp -d /tmp/caravan-bench-pg.XXXXXX)
  url=$(bash "$ROOT/scripts/pg-temp.sh" start "$PG_DIR" | sed -n 's/^CARAVAN_TEST_PG_URL=//p' | tail -n 1)
  pg=(--pg "$url")
fi

# Many idle streaming connections need file descriptors.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"$ROOT/target/release/bench" "${args[@]}" "${pg[@]}" --json "$OUT/figures.json" | tee "$OUT/table.md"
