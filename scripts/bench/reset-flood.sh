#!/usr/bin/env bash
# Password-reset flood benchmark: what 1,000 bogus `POST /reset/{token}` do to one hub's memory
# and to the latency of an unrelated page (GET /login).
#
#   scripts/bench/reset-flood.sh            build the release hub, run once, print a summary
#
# Bounded: the hub listens on 127.0.0.1 only, on a free port, with a throwaway data directory;
# it is killed on exit (trap), and every phase has a time limit (the whole run takes well under
# 3 minutes once the release build is done). The load generator is Python 3 with only its
# standard library (threads + http.client, keep-alive connections), embedded below.
#
# Environment (all optional):
#   FLOOD_N=1000 FLOOD_C=50      reset posts and their concurrency
#   PROBE_N=200  PROBE_C=5       GET /login latency probe, alone and during the flood
#   PROBE_GAP_MS=50              pause of each probe client between its requests, so that the
#                                probe spans ~2 s of the flood, not only its first moments
#   SKIP_BUILD=1                 use the existing target/release/hub
#   CARGO_TARGET_DIR             honoured as by cargo (the hub is taken from its release/)
#
# Exit status: 0 when the run completed (whatever the status codes of the posts were), non-zero
# only when the setup failed (build, start, no CSRF token, ...).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd -P)

FLOOD_N=${FLOOD_N:-1000}
FLOOD_C=${FLOOD_C:-50}
PROBE_N=${PROBE_N:-200}
PROBE_C=${PROBE_C:-5}
PROBE_GAP_MS=${PROBE_GAP_MS:-50}

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in python3 curl cargo; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

TMP=$(mktemp -d /tmp/caravan-reset-flood.XXXXXX)
HUB_PID=""
MEASURE_PID=""
cleanup() {
  if [[ -n "$MEASURE_PID" ]]; then
    kill -TERM "$MEASURE_PID" 2>/dev/null || true
    wait "$MEASURE_PID" 2>/dev/null || true
  fi
  if [[ -n "$HUB_PID" ]] && kill -0 "$HUB_PID" 2>/dev/null; then
    kill -TERM "$HUB_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$HUB_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$HUB_PID" 2>/dev/null || true
    wait "$HUB_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build ----------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  log "cargo build --release -p hub (waits if another cargo holds the build lock)"
  timeout 40m cargo build --release -p hub >"$TMP/build.log" 2>&1 \
    || { tail -n 40 "$TMP/build.log" >&2; die "release build failed (log above)"; }
fi
HUB_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/hub"
[[ -x "$HUB_BIN" ]] || die "$HUB_BIN not found"

# --- start the hub --------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
mkdir -p "$TMP/data"
log "starting $HUB_BIN --data $TMP/data serve --bind 127.0.0.1:$PORT"
# No config file: defaults plus the caller's HUB__* environment (none is needed).
env RUST_LOG="${RUST_LOG:-warn}" "$HUB_BIN" --data "$TMP/data" serve --bind "127.0.0.1:$PORT" \
  >"$TMP/hub.log" 2>&1 &
HUB_PID=$!

deadline=$(( SECONDS + 30 ))
until curl -fsS -o /dev/null --max-time 2 "$BASE/"; do
  if ! kill -0 "$HUB_PID" 2>/dev/null; then
    tail -n 40 "$TMP/hub.log" >&2
    die "the hub exited during start-up (log above)"
  fi
  if (( SECONDS >= deadline )); then
    tail -n 40 "$TMP/hub.log" >&2
    die "GET $BASE/ did not answer within 30 s"
  fi
  sleep 0.2
done
log "hub pid $HUB_PID answers on $BASE"

# --- measure --------------------------------------------------------------------------------
cat >"$TMP/flood.py" <<'PY'
"""Latency probe and reset flood against one hub (stdlib only)."""
import collections, http.client, math, re, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

port, pid = int(sys.argv[1]), int(sys.argv[2])
flood_n, flood_c, probe_n, probe_c, probe_gap_ms = map(int, sys.argv[3:8])
TIMEOUT = 30  # seconds per request


def proc_kb(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/{pid}/status")


def mb(kb):
    return kb / 1024.0


local = threading.local()


def request(method, path, body=None, headers=None):
    """One request on this thread's keep-alive connection; returns (status, headers, body)."""
    for attempt in (1, 2):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            if resp.getheader("connection", "").lower() == "close":
                conn.close()
                local.conn = None
            return resp.status, resp.getheaders(), data
        except (http.client.HTTPException, OSError):
            conn.close()
            local.conn = None
            if attempt == 2:
                raise


def run(n, c, job):
    """Runs job(i) for i in 0..n on c threads; returns the results in order and the wall time."""
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=c) as pool:
        results = list(pool.map(job, range(n)))
    return results, time.monotonic() - t0


def probe_job(_i):
    t0 = time.monotonic()
    try:
        status, _, _ = request("GET", "/login")
    except (http.client.HTTPException, OSError) as e:
        status = type(e).__name__
    t1 = time.monotonic()
    time.sleep(probe_gap_ms / 1000.0)
    return status, (t1 - t0) * 1000.0, t0


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100.0 * len(s)) - 1))  # nearest rank
    return s[k]


def probe():
    """Returns p50 and p99 in ms, the number of answers other than 200, the wall time and the
    start times of the requests."""
    results, wall = run(probe_n, probe_c, probe_job)
    ms = [t for _, t, _ in results]
    bad = sum(1 for st, _, _ in results if st != 200)
    return percentile(ms, 50), percentile(ms, 99), bad, wall, [t0 for _, _, t0 in results]


# (a) memory before, (b) GET /login alone
rss_before = proc_kb("VmRSS")
p50_alone, p99_alone, bad_alone, _, _ = probe()

# (c) session cookie and CSRF token from GET /reset
status, headers, body = request("GET", "/reset")
if status != 200:
    raise SystemExit(f"GET /reset answered {status}")
cookie = None
for name, value in headers:
    if name.lower() == "set-cookie" and value.startswith("caravan_session="):
        cookie = value.split(";", 1)[0]
m = re.search(rb'<input type="hidden" name="csrf" value="([^"]+)"', body)
if cookie is None or m is None:
    raise SystemExit("GET /reset gave no caravan_session cookie or no csrf field")
form = b"csrf=" + m.group(1) + b"&password=Another-Horse-43"
post_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}

# (d) peak memory: sample VmRSS every 100 ms while the flood runs
peak = [rss_before]
stop = threading.Event()


def sampler():
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], proc_kb("VmRSS"))
        except (OSError, SystemExit):
            return
        stop.wait(0.1)


def flood_job(i):
    try:
        status, _, _ = request("POST", f"/reset/bogus-token-{i}", form, post_headers)
        return status
    except (http.client.HTTPException, OSError) as e:
        return type(e).__name__


sampling = threading.Thread(target=sampler, daemon=True)
sampling.start()
flood_out = {}


def flood():
    flood_out["codes"], flood_out["wall"] = run(flood_n, flood_c, flood_job)
    flood_out["end"] = time.monotonic()


flooding = threading.Thread(target=flood)
flooding.start()
time.sleep(0.1)  # let the flood open its connections before probing
p50_flood, p99_flood, bad_flood, probe_wall, starts = probe()
flooding.join()
overlapped = sum(1 for t0 in starts if t0 < flood_out["end"])
stop.set()
sampling.join()
time.sleep(2)  # let freed memory go back before "after"
rss_after = proc_kb("VmRSS")
hwm = proc_kb("VmHWM")

hist = collections.Counter(str(c) for c in flood_out["codes"])
print("==================== reset flood summary ====================")
print(f"hub pid {pid}, 127.0.0.1:{port}")
print(f"RSS before            {mb(rss_before):8.1f} MB")
print(f"RSS peak (100 ms)     {mb(peak[0]):8.1f} MB   (VmHWM {mb(hwm):.1f} MB)")
print(f"RSS after (+2 s)      {mb(rss_after):8.1f} MB")
print(f"delta peak - before   {mb(peak[0] - rss_before):8.1f} MB")
print(f"GET /login alone      p50 {p50_alone:7.1f} ms   p99 {p99_alone:7.1f} ms"
      f"   ({probe_n} req, c={probe_c}, {probe_gap_ms} ms gaps, {bad_alone} not 200)")
print(f"GET /login in flood   p50 {p50_flood:7.1f} ms   p99 {p99_flood:7.1f} ms"
      f"   ({bad_flood} not 200; {overlapped} of {probe_n} sent while the flood ran; "
      f"probe {probe_wall:.1f} s from 0.1 s into it)")
print(f"POST /reset/bogus-token-N x{flood_n} (c={flood_c}) status codes: "
      + ", ".join(f"{k}: {v}" for k, v in sorted(hist.items())))
print(f"flood wall time       {flood_out['wall']:8.2f} s"
      f"   ({flood_n / flood_out['wall']:.0f} req/s)")
print("=============================================================")
PY

log "probing GET /login, then $FLOOD_N reset posts at c=$FLOOD_C with a concurrent probe"
# In the background and waited for, so that INT/TERM run the trap at once (bash defers traps
# while a foreground command runs); timeout passes the TERM from cleanup on to python.
timeout 150 python3 "$TMP/flood.py" "$PORT" "$HUB_PID" "$FLOOD_N" "$FLOOD_C" "$PROBE_N" "$PROBE_C" \
  "$PROBE_GAP_MS" &
MEASURE_PID=$!
rc=0
wait "$MEASURE_PID" || rc=$?
MEASURE_PID=""
if [[ $rc -ne 0 ]]; then
  tail -n 20 "$TMP/hub.log" >&2
  if [[ $rc -eq 124 ]]; then die "the measurement did not finish within 150 s"; fi
  die "the measurement failed (exit $rc)"
fi
kill -0 "$HUB_PID" 2>/dev/null || die "the hub died during the run"
if commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
  if [[ -n "$(git -C "$ROOT" status --porcelain -- hub zot templates static migrations Cargo.toml \
    Cargo.lock 2>/dev/null)" ]]; then
    commit+=" + uncommitted changes"
  fi
else
  commit="unknown ($ROOT is not a git checkout)"
fi
printf 'source %s, %s, %s cores\n' "$commit" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)"
