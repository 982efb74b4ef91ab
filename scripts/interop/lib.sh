# Shared by the hub-process scripts (two-hubs.sh, clone.sh): hubs from the hub binary on
# loopback with the test switches (plain http, loopback addresses), killed on exit; `check`
# prints one line per check and stops at the first failure with the hubs' logs; every wait
# gives up after 30 s.
HUB_BIN=${HUB_BIN:-target/debug/hub}
[[ -x $HUB_BIN ]] || cargo build -q -p hub
TMP=$(mktemp -d /tmp/caravan-hubs.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export HUB__FEDERATION__ALLOW_HTTP=true HUB__FEDERATION__ALLOW_PRIVATE_ADDRESSES=true RUST_LOG=${RUST_LOG:-warn}
# start_hub NAME PORT: serves $TMP/NAME on 127.0.0.1:PORT (the binary itself in the background,
# so $! is the hub's pid) and waits until it answers.
start_hub() {
  "$HUB_BIN" --data "$TMP/$1" serve --bind "127.0.0.1:$2" >"$TMP/$1.log" 2>&1 & PIDS+=($!)
  for _ in $(seq 150); do curl -fs -o /dev/null "http://127.0.0.1:$2/" && return 0; sleep 0.2; done
  echo "hub $1 does not answer"; tail -20 "$TMP/$1.log"; exit 1
}
check() {
  if eval "$2"; then echo "ok   $1"; else
    echo "FAIL $1"
    for l in "$TMP"/*.log; do echo "--- $l"; tail -20 "$l"; done
    exit 1
  fi
}
waitfor() { for _ in $(seq 150); do eval "$1" && return 0; sleep 0.2; done; return 1; }
