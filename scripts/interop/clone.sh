#!/usr/bin/env bash
# A channel cloned between two Caravan hub processes with the CLI: alice is made on hub A and
# exported (`hub channel export`), imported on hub B (`hub channel import`, a clone); both have
# the same portable id, B's channel info lists both locations, and a post made on either shows
# on the other (through the running servers' delivery workers); `hub channel sync-status`
# says "in sync" on both. Bounded (every wait 30 s); the hubs are killed on exit.
#
#   scripts/interop/clone.sh               uses target/debug/hub (built if missing)
#   HUB_BIN=target/release/hub scripts/interop/clone.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. scripts/interop/lib.sh
PA=$(port); PB=$(port)
hub_a() { "$HUB_BIN" --data "$TMP/a" "$@"; }
hub_b() { "$HUB_BIN" --data "$TMP/b" "$@"; }
start_hub a "$PA"
start_hub b "$PB"
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
echo 'Correct-Horse-42' | hub_a admin account create --email alice@example.org --password-stdin >/dev/null
echo 'Correct-Horse-42' | hub_b admin account create --email alice@example.org --password-stdin >/dev/null
hub_a admin channel create --account alice@example.org --nick alice --name Alice --role public >/dev/null
FIRST="before-the-clone-$RANDOM"
hub_a channel post --nick alice --body "$FIRST" >/dev/null
check "hub channel export on A" "hub_a channel export --nick alice --out '$TMP/alice.json' --json >'$TMP/export.json'"
check "the export file is private (0600)" "[ \"\$(stat -c %a '$TMP/alice.json')\" = 600 ]"
check "hub channel import on B (a clone)" \
  "hub_b channel import --account alice@example.org --file '$TMP/alice.json' --json >'$TMP/import.json'"
ID_A=$(field "['portable_id']" <"$TMP/export.json")
ID_B=$(field "['portable_id']" <"$TMP/import.json")
check "the same portable id on both ($ID_A)" "[ -n '$ID_A' ] && [ '$ID_A' = '$ID_B' ]"
locations() { curl -fsS -H 'Accept: application/x-zot+json' "http://127.0.0.1:$1/channel/alice" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(sorted(l["url"] for l in d["locations"])))'; }
BOTH=$(printf '%s\n' "http://127.0.0.1:$PA" "http://127.0.0.1:$PB" | sort | paste -sd ' ')
check "B's channel info lists both locations" "[ \"\$(locations $PB)\" = '$BOTH' ]"
check "A learns the clone (the refresh B sent)" "waitfor \"[ \\\"\\\$(locations $PA)\\\" = '$BOTH' ]\""
check "the post made before the clone is on B" "hub_b channel show --nick alice | grep -q '$FIRST'"
ON_A="made-on-A-$RANDOM"; ON_B="made-on-B-$RANDOM"
hub_a channel post --nick alice --body "$ON_A" >/dev/null
hub_b channel post --nick alice --body "$ON_B" >/dev/null
check "a post made on A appears on B" "waitfor \"hub_b channel show --nick alice | grep -q '$ON_A'\""
check "a post made on B appears on A" "waitfor \"hub_a channel show --nick alice | grep -q '$ON_B'\""
check "sync-status on A: in sync" "waitfor \"hub_a channel sync-status --nick alice --json | grep -q '\\\"in_sync\\\":true'\""
check "sync-status on B: in sync" "hub_b channel sync-status --nick alice --json | grep -q '\"in_sync\":true'"
hub_b channel sync-status --nick alice
echo "clone: all checks passed"
