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
. scripts/interop/lib.sh
PA=$(port); PB=$(port)
hub_a() { "$HUB_BIN" --data "$TMP/a" "$@"; }
hub_b() { "$HUB_BIN" --data "$TMP/b" "$@"; }
start_hub a "$PA"
start_hub b "$PB"
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
