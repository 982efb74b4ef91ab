#!/usr/bin/env bash
# Two Caravan hubs from the hub binary, on loopback, federating: each serves with the test
# switches (plain http and loopback addresses allowed), channels are made with the CLI, alice
# connects to bob, bob approves, alice posts with `hub channel post`, and the post must appear in
# `hub channel show` on bob's hub. Deliveries are sent by the running servers' workers.
# Bounded: every wait gives up after 30 s; the hubs are killed on exit.
#
#   scripts/interop/two-hubs.sh            uses target/debug/hub (built if missing)
#   HUB_BIN=target/release/hub scripts/interop/two-hubs.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HUB_BIN=${HUB_BIN:-target/debug/hub}
[[ -x $HUB_BIN ]] || cargo build -q -p hub
TMP=$(mktemp -d /tmp/caravan-two-hubs.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export HUB__FEDERATION__ALLOW_HTTP=true HUB__FEDERATION__ALLOW_PRIVATE_ADDRESSES=true RUST_LOG=${RUST_LOG:-warn}
PA=$(port); PB=$(port)
hub_a() { "$HUB_BIN" --data "$TMP/a" "$@"; }
hub_b() { "$HUB_BIN" --data "$TMP/b" "$@"; }
# The binary itself in the background (not through a function), so $! is the hub's pid.
"$HUB_BIN" --data "$TMP/a" serve --bind "127.0.0.1:$PA" >"$TMP/a.log" 2>&1 & PIDS+=($!)
"$HUB_BIN" --data "$TMP/b" serve --bind "127.0.0.1:$PB" >"$TMP/b.log" 2>&1 & PIDS+=($!)
for p in $PA $PB; do
  for _ in $(seq 150); do curl -fs -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.2; done
done
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; echo "--- hub A log"; tail -20 "$TMP/a.log"; echo "--- hub B log"; tail -20 "$TMP/b.log"; exit 1; fi; }
waitfor() { for _ in $(seq 150); do eval "$1" && return 0; sleep 0.2; done; return 1; }
echo 'Correct-Horse-42' | hub_a admin account create --email alice@example.org --password-stdin >/dev/null
echo 'Correct-Horse-42' | hub_b admin account create --email bob@example.org --password-stdin >/dev/null
hub_a admin channel create --account alice@example.org --nick alice --name Alice --role public >/dev/null
hub_b admin channel create --account bob@example.org --nick bob --name Bob --role public >/dev/null
check "alice on A discovers and connects to bob@127.0.0.1:$PB" \
  "hub_a channel connect --nick alice --to bob@127.0.0.1:$PB --json | grep -q '\"connected\":\"bob@127.0.0.1:$PB\"'"
check "bob on B sees alice's request" \
  "waitfor \"hub_b channel show --nick bob --json | grep -q '\\\"pending\\\":true'\""
check "bob approves alice" "hub_b channel approve --nick bob --from alice@127.0.0.1:$PA --json >/dev/null"
check "alice learns bob accepts her stream" \
  "waitfor \"hub_a channel show --nick alice --json | grep -q 'their_perms\\\":\\\"[^\\\"]*send_stream'\""
MARK="hello-from-alpha-$RANDOM"
check "alice posts with hub channel post" "hub_a channel post --nick alice --body '$MARK **federated**' --json | grep -q '\"destinations\":1'"
check "the post appears in hub channel show on B" \
  "waitfor \"hub_b channel show --nick bob | grep -q '$MARK'\""
hub_b channel show --nick bob
check "queue on A is empty" "waitfor \"hub_a queue status --json | grep -q '\\\"depth\\\":0'\""
hub_a queue status
echo "two hubs: all checks passed"
