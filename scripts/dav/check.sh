#!/usr/bin/env bash
# WebDAV against real clients: a hub from the hub binary on loopback, a channel and an app
# password made with the CLI, then
#   - litmus (basic, copymove, props, locks, http): every suite must report 100 %;
#   - a scripted cadaver session (mkcol, put, ls, propset/propget, lock/unlock);
#   - rclone: a 200 MB tree of mixed files up, `rclone check` (0 differences), back down,
#     SHA-256 of every file equal; `rclone test info --check-length --check-streaming`;
#   - a 1 GB streamed upload while the hub's resident memory is sampled (reported before,
#     peak during, after), and its bytes checked.
# Prints one line per check ("ok"/"FAIL") and a summary; exits non-zero on any failure.
# Bounded: every client runs under timeout; the hub is killed on exit. Needs litmus, cadaver,
# rclone (apt-get install litmus cadaver rclone).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HUB_BIN=${HUB_BIN:-target/debug/hub}
[[ -x $HUB_BIN ]] || cargo build -q -p hub
BIG_MB=${DAV_BIG_MB:-1024}
TREE_MB=${DAV_TREE_MB:-200}
TMP=$(mktemp -d /tmp/caravan-dav.XXXXXX)
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export HUB__SITE__BASE_URL=$BASE HUB__FEDERATION__ALLOW_HTTP=true RUST_LOG=${RUST_LOG:-warn}
# Room for the 1 GB file and the tree.
export HUB__LIMITS__STORAGE_QUOTA_MB=$((BIG_MB + TREE_MB * 3 + 64)) HUB__LIMITS__UPLOAD_MAX_MB=$((BIG_MB + 16))
H() { "$HUB_BIN" --data "$TMP/hub" "$@"; }
mkdir -p "$TMP/hub"
"$HUB_BIN" --data "$TMP/hub" serve --bind "127.0.0.1:$PORT" >"$TMP/serve.log" 2>&1 &
PID=$!
for _ in $(seq 150); do curl -fs -o /dev/null "$BASE/" && break; sleep 0.2; done
FAILED=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; FAILED=1; fi; }

echo 'Correct-Horse-42' | H admin account create --email dora@example.org --password-stdin >/dev/null
H admin channel create --account dora@example.org --nick dora --name "Dora" --role public >/dev/null
PASS=$(H channel app-password --nick dora --name "dav check")
DAV=$BASE/dav/dora/

# --- litmus -------------------------------------------------------------------------------
(cd "$TMP" && timeout 300 litmus -k "$DAV" dora "$PASS" >"$TMP/litmus.log" 2>&1)
grep '<- summary for' "$TMP/litmus.log" | sed 's/^/litmus: /'
for suite in basic copymove props locks http; do
  line=$(grep "<- summary for \`$suite'" "$TMP/litmus.log")
  check "litmus $suite 100 %" '[[ $line == *" 0 failed. 100.0%" ]]'
done

# --- cadaver --------------------------------------------------------------------------------
printf 'machine 127.0.0.1 login dora password %s\n' "$PASS" >"$TMP/.netrc"
chmod 600 "$TMP/.netrc"
echo "hello from cadaver" >"$TMP/hello.txt"
printf 'mkcol cad\ncd cad\nput %s\nls\npropset hello.txt colour blue\npropget hello.txt colour\nlock hello.txt\nunlock hello.txt\nquit\n' "$TMP/hello.txt" \
  | HOME=$TMP timeout 60 cadaver "$DAV" >"$TMP/cadaver.log" 2>&1
check "cadaver: mkcol, put, propset, lock, unlock succeeded" \
  '[[ $(grep -c "succeeded" "$TMP/cadaver.log") -ge 6 ]] && ! grep -qi "failed" "$TMP/cadaver.log"'
check "cadaver: propget reads the value back" 'grep -q "Value of colour is: blue" "$TMP/cadaver.log"'
check "cadaver: the file is on the hub" '[[ $(curl -fs -u "dora:$PASS" "${DAV}cad/hello.txt") == "hello from cadaver" ]]'

# --- rclone ---------------------------------------------------------------------------------
export RCLONE_CONFIG=/dev/null
R=":webdav,url='$DAV',user=dora,pass=$(rclone obscure "$PASS"):"
SRC=$TMP/tree
python3 - "$SRC" "$TREE_MB" <<'PY'
import os, random, sys
root, total = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
rnd = random.Random(11)
names = ["report", "Fotos", "été", "日本語", "with space", "a-b_c", "MiXeD"]
made = 0
i = 0
while made < total:
    d = os.path.join(root, *[rnd.choice(names) + str(rnd.randrange(3)) for _ in range(rnd.randrange(4))])
    os.makedirs(d, exist_ok=True)
    size = rnd.choice([0, 1, 100, 4096, 65536, 300_000, 2_000_000]) if i % 20 else rnd.choice([10_000_000, 25_000_000])
    size = min(size, total - made)
    ext = rnd.choice([".txt", ".jpg", ".bin", ".html", ".svg", ".tar.gz", ""])
    with open(os.path.join(d, f"f{i}{ext}"), "wb") as f:
        f.write(os.urandom(size) if i % 3 else (b"text line %d\n" % i) * (size // 12 + 1))
    made += os.path.getsize(os.path.join(d, f"f{i}{ext}"))
    i += 1
print(f"tree: {i} files, {made / 1048576:.0f} MiB")
PY
t0=$SECONDS
check "rclone copy up" 'timeout 600 rclone copy --transfers 4 "$SRC" "${R}tree" >"$TMP/rclone-up.log" 2>&1'
up=$((SECONDS - t0))
check "rclone check: 0 differences" 'timeout 300 rclone check "$SRC" "${R}tree" >"$TMP/rclone-check.log" 2>&1 && grep -q "0 differences found" "$TMP/rclone-check.log"'
grep -E "differences|matching" "$TMP/rclone-check.log" | sed 's/^.*NOTICE: /rclone: /'
check "rclone copy back" 'timeout 600 rclone copy --transfers 4 "${R}tree" "$TMP/back" >"$TMP/rclone-down.log" 2>&1'
(cd "$SRC" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$TMP/src.sha"
(cd "$TMP/back" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$TMP/back.sha"
check "every file's SHA-256 equal after the round trip ($(wc -l <"$TMP/src.sha") files, up in ${up}s)" 'cmp -s "$TMP/src.sha" "$TMP/back.sha"'
timeout 300 rclone test info --check-length --check-streaming "${R}info" >"$TMP/rclone-info.log" 2>&1
grep -E "maxFileLength|canStream" "$TMP/rclone-info.log" | sed 's/^/rclone test info: /'
check "rclone test info: streaming uploads work" 'grep -q "canStream = true" "$TMP/rclone-info.log"'

# --- memory while a 1 GB file streams in ------------------------------------------------------
rss() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$PID/status"; }
before=$(rss)
# Reset the peak so it covers this upload only (kernel >= 4.0: write 5 to clear_refs).
echo 5 >"/proc/$PID/clear_refs" 2>/dev/null || true
t0=$SECONDS
head -c $((BIG_MB * 1024 * 1024)) /dev/urandom | tee >(sha256sum | cut -d' ' -f1 >"$TMP/big.sha") \
  | timeout 600 curl -fsS -u "dora:$PASS" -T - -H "Content-Type: application/octet-stream" "${DAV}big.bin" -o /dev/null
status=$?
secs=$((SECONDS - t0))
peak=$(hwm) after=$(rss)
echo "memory: resident before ${before} KiB, peak during the ${BIG_MB} MiB upload ${peak} KiB, after ${after} KiB (${secs}s)"
check "${BIG_MB} MiB upload accepted" '[[ $status -eq 0 ]]'
got=$(curl -fs -u "dora:$PASS" "${DAV}big.bin" | sha256sum | cut -d' ' -f1)
check "the ${BIG_MB} MiB file reads back with the same SHA-256" '[[ $got == $(cat "$TMP/big.sha") ]]'
check "resident memory stayed flat (peak under before + 64 MiB)" '[[ $peak -lt $((before + 65536)) ]]'

if [[ $FAILED -ne 0 ]]; then
  echo "--- hub log"; tail -30 "$TMP/serve.log"
  echo "webdav: FAILED"; exit 1
fi
echo "webdav: all checks passed"
