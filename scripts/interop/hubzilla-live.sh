#!/usr/bin/env bash
# Caravan against live Hubzilla: two real Hubzilla 8.9 hubs (../shared/peers/hubzilla, brought up
# with its tools/up.sh) and a release Caravan hub beside them behind the kit's TLS front. Checks,
# one line each: discovery both ways; Caravan connects to alice@hubzilla-a.test and she approves;
# bob@hubzilla-b.test connects to Caravan, which approves; public post, comment and like both
# ways; a private post both ways, readable only by its recipient; an edit and a delete both ways;
# OpenWebAuth single sign-on both ways (bob visits carl's page; carl visits alice's page).
# Exits non-zero on any failure. Not run in CI (it needs the live hubs); run it by hand:
#
#   bash ../shared/peers/hubzilla/tools/up.sh /path/to/hubzilla.git     # once, ~1.5 min
#   bash scripts/interop/hubzilla-live.sh
#
# Bounded: every wait gives up after 30 s; the Caravan hub it starts is stopped on exit. Each run
# uses a fresh name (caravan-RUN.test on 127.0.0.9), so Hubzilla holds no stale keys for it.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
KIT=${KIT:-../shared/peers/hubzilla}
CA=/tmp/hz-run/tls/ca.crt
PW=Test-Passw0rd-123
IP=${CARAVAN_IP:-127.0.0.9}
RUN=${RUN:-$(date +%s | tail -c 6)}
NAME=caravan-$RUN.test
D=/tmp/caravan-live-$RUN
HUB_BIN=${HUB_BIN:-target/release/hub}
[[ -f $CA ]] || { echo "the Hubzilla kit is not up: run $KIT/tools/up.sh first" >&2; exit 2; }
[[ -x $HUB_BIN ]] || cargo build -q --release -p hub

FAILED=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; FAILED=1; }
check() { if eval "$2" >/dev/null 2>&1; then ok "$1"; else bad "$1"; fi; }
waitfor() { for _ in $(seq 60); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }
hz() { local jar=$1; shift; curl -sS --cacert $CA -b "$jar" -c "$jar" "$@"; }
q() { psql -X -h /tmp/hz-pg/sock -U hubzilla -d "hubzilla_$1" -tA -c "$2"; }
login() {
  rm -f "$3"
  hz "$3" -o /dev/null "https://hubzilla-$1.test/login" -d auth-params=login \
    --data-urlencode "main_login_username=$2" --data-urlencode "main_login_password=$PW"
  hz "$3" "https://hubzilla-$1.test/settings" | grep -c 'href="logout"' >/dev/null
}

export HUB__SITE__BASE_URL=https://$NAME HUB__FEDERATION__CA_FILE=$CA \
  HUB__FEDERATION__ALLOW_PRIVATE_ADDRESSES=true HUB__HTTP__MAX_BODY_BYTES=104857600
H() { RUST_LOG=warn "$HUB_BIN" --data "$D" "$@"; }
mkdir -p "$D"
RUST_LOG=info "$HUB_BIN" --data "$D" serve --bind "$IP:8080" >"$D/serve.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; bash "$KIT/tools/front.sh" --remove "$NAME" >/dev/null 2>&1
  # The hubs keep no location of this run's throwaway hub (alice's clone here).
  for h in a b; do q "$h" "delete from hubloc where hubloc_url='https://$NAME'" >/dev/null 2>&1; done
}
trap cleanup EXIT
for old in $(bash "$KIT/tools/front.sh" --list 2>/dev/null | awk -v ip="$IP" '$2 == ip {print $1}'); do
  bash "$KIT/tools/front.sh" --remove "$old" >/dev/null 2>&1
done
bash "$KIT/tools/front.sh" "$NAME" "$IP" "$IP:8080" >/dev/null 2>&1 || { echo "front.sh failed" >&2; exit 2; }
waitfor "curl -fsS --cacert $CA -o /dev/null https://$NAME/" || { echo "Caravan does not answer" >&2; exit 2; }
echo "Caravan at https://$NAME (data $D, log $D/serve.log)"

echo 'Correct-Horse-42' | H admin account create --email carl@example.org --password-stdin >/dev/null
H admin channel create --account carl@example.org --nick carl --name "Carl Caravan" --role public >/dev/null
JA=/tmp/jar-live-alice JB=/tmp/jar-live-bob
login a alice $JA || { echo "cannot log in as alice on A" >&2; exit 2; }
login b bob $JB || { echo "cannot log in as bob on B" >&2; exit 2; }
CARL=carl@$NAME
show() { H channel show --nick carl --json; }
# jq over carl's `hub channel show --json`: true when the filter holds (and the command worked).
has() { show | jq -e "$@" >/dev/null; }
command -v jq >/dev/null || { echo "jq is needed (the kit's up.sh installs it)" >&2; exit 2; }

# NOMAD_ONLY=1 runs only the nomadic-identity checks at the end (for iterating on them).
if [[ -z ${NOMAD_ONLY:-} ]]; then
# --- discovery and connections ---------------------------------------------------------------
check "discovery Caravan -> Hubzilla: carl connects to alice@hubzilla-a.test" \
  "H channel connect --nick carl --to alice@hubzilla-a.test --json | grep -q '\"connected\":\"alice@hubzilla-a.test\"'"
PEND="select abook_id from abook join xchan on abook_xchan=xchan_hash where abook_channel=2 and abook_pending=1 and xchan_addr='$CARL'"
check "discovery Hubzilla -> Caravan: hub A verified carl and shows alice a request" "waitfor \"[ -n \\\"\\\$(q a \\\"$PEND\\\")\\\" ]\""
AB=$(q a "$PEND")
hz $JA -o /dev/null "https://hubzilla-a.test/contactedit/$AB" -d permcat=default
check "alice approves carl; Caravan learns what she grants him" \
  "waitfor \"has '.connections[] | select(.address == \\\"alice@hubzilla-a.test\\\") | (.their_perms | contains(\\\"view_stream\\\"))'\""
check "bob@hubzilla-b.test connects to carl" \
  "hz $JB 'https://hubzilla-b.test/follow?url=$CARL&interactive=0' | grep -q '\"success\":true'"
check "Caravan shows carl bob's request" \
  "waitfor \"has '.connections[] | select(.address == \\\"bob@hubzilla-b.test\\\") | .pending'\""
check "carl approves bob" "H channel approve --nick carl --from bob@hubzilla-b.test --json"
CARLX=$(q b "select xchan_hash from xchan where xchan_addr='$CARL'")
check "hub B learns that carl accepts bob's stream" \
  "waitfor \"[ \\\"\\\$(q b \\\"select v from abconfig where chan=2 and xchan='$CARLX' and cat='their_perms' and k='send_stream'\\\")\\\" = 1 ]\""

# --- public posts, comments, likes --------------------------------------------------------------
T=$(date +%s)
C_MID=$(H channel post --nick carl --body "carl public $T **bold**" --json | sed -n 's/.*"mid":"\([^"]*\)".*/\1/p')
check "public post Caravan -> Hubzilla: alice on A has it" "waitfor \"[ -n \\\"\\\$(q a \\\"select id from item where uid=2 and mid='$C_MID'\\\")\\\" ]\""
check "public post Caravan -> Hubzilla: bob on B has it" "waitfor \"[ -n \\\"\\\$(q b \\\"select id from item where uid=2 and mid='$C_MID'\\\")\\\" ]\""
P=$(hz $JA https://hubzilla-a.test/item -d type=wall -d profile_uid=2 --data-urlencode "body=alice public $T" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
A_MID=$(q a "select mid from item where id=$P")
check "public post Hubzilla -> Caravan: carl has alice's post" \
  "waitfor \"has --arg m '$A_MID' '.stream[] | select(.mid == \\\$m) | (.private | not)'\""
R_MID=$(H channel reply --nick carl --mid "$A_MID" --body "carl comments $T" --json | sed -n 's/.*"mid":"\([^"]*\)".*/\1/p')
check "comment Caravan -> Hubzilla: alice's thread on A has carl's comment" \
  "waitfor \"[ -n \\\"\\\$(q a \\\"select id from item where uid=2 and mid='$R_MID' and parent_mid='$A_MID'\\\")\\\" ]\""
PB=$(q b "select id from item where uid=2 and mid='$C_MID'")
hz $JB https://hubzilla-b.test/item -d type=net-comment -d "parent=$PB" -d profile_uid=2 --data-urlencode "body=bob comments $T" >/dev/null
check "comment Hubzilla -> Caravan: carl has bob's comment on his post" \
  "waitfor \"has --arg m '$C_MID' '.stream[] | select(.mid == \\\$m) | .comments[] | select(.author == \\\"bob@hubzilla-b.test\\\" and (.body | contains(\\\"bob comments $T\\\")))'\""
check "Caravan relays bob's comment to alice on A" \
  "waitfor \"[ -n \\\"\\\$(q a \\\"select id from item where uid=2 and parent_mid='$C_MID' and body like '%bob comments $T%'\\\")\\\" ]\""
H channel reply --nick carl --mid "$A_MID" --like --json >/dev/null
check "like Caravan -> Hubzilla: alice's post on A has carl's like" \
  "waitfor \"[ -n \\\"\\\$(q a \\\"select id from item where uid=2 and parent_mid='$A_MID' and verb like '%like'\\\")\\\" ]\""
hz $JB "https://hubzilla-b.test/like/$PB?verb=like" >/dev/null
check "like Hubzilla -> Caravan: carl's post has bob's like" \
  "waitfor \"has --arg m '$C_MID' '.stream[] | select(.mid == \\\$m) | .likes == 1'\""

# --- private posts ----------------------------------------------------------------------------
S_MID=$(H channel post --nick carl --to bob@hubzilla-b.test --body "carl private $T" --json | sed -n 's/.*"mid":"\([^"]*\)".*/\1/p')
check "private post Caravan -> Hubzilla: bob on B has it, private" \
  "waitfor \"[ \\\"\\\$(q b \\\"select item_private from item where uid=2 and mid='$S_MID'\\\")\\\" -gt 0 ]\""
check "... and alice on A does not" "[ -z \"\$(q a \"select id from item where mid='$S_MID'\")\" ]"
CX=$(q a "select xchan_hash from xchan where xchan_addr='$CARL'")
hz $JA https://hubzilla-a.test/item -d type=wall -d profile_uid=2 --data-urlencode "contact_allow[]=$CX" \
  --data-urlencode "body=alice private $T" >/dev/null
check "private post Hubzilla -> Caravan: carl has it, private" \
  "waitfor \"has '.stream[] | select(.body | contains(\\\"alice private $T\\\")) | .private'\""
check "... and Caravan does not show it to anonymous visitors" \
  "! curl -fsS --cacert $CA https://$NAME/channel/carl | grep -q 'alice private $T'"

# --- edits and deletions ------------------------------------------------------------------------
H channel edit --nick carl --mid "$C_MID" --body "carl public $T edited" --json >/dev/null
check "edit Caravan -> Hubzilla: bob on B sees the new text" \
  "waitfor \"q b \\\"select body from item where uid=2 and mid='$C_MID'\\\" | grep -q edited\""
hz $JA https://hubzilla-a.test/item -d type=wall -d profile_uid=2 -d "post_id=$P" --data-urlencode "body=alice public $T edited" >/dev/null
check "edit Hubzilla -> Caravan: carl sees alice's new text" \
  "waitfor \"has --arg m '$A_MID' '.stream[] | select(.mid == \\\$m) | .body | contains(\\\"alice public $T edited\\\")'\""
H channel edit --nick carl --mid "$C_MID" --delete --json >/dev/null
check "delete Caravan -> Hubzilla: the post is deleted on B" \
  "waitfor \"[ \\\"\\\$(q b \\\"select item_deleted from item where uid=2 and mid='$C_MID'\\\")\\\" = 1 ]\""
hz $JA -o /dev/null "https://hubzilla-a.test/item/drop/$P"
check "delete Hubzilla -> Caravan: alice's post is gone from carl's stream" \
  "waitfor \"has --arg m '$A_MID' '[.stream[] | select(.mid == \\\$m)] | length == 0'\""

# --- OpenWebAuth (single sign-on) both ways ---------------------------------------------------
# Browser steps done by curl. Direction 1: bob, logged in on hub B, follows a zid link to carl's
# page; Caravan sends him to B's /magic, B signs GET /owa at Caravan and comes back with ?f=&owt=.
# Direction 2: carl, logged in on Caravan, goes through Caravan's /magic to alice's page on hub A.
# Hubzilla's marks of a remote visitor (from Hubzilla 8.9 include/nav.php, absent for anonymous
# visitors): the menu items "Take me home" (linking to the visitor's hub) and "Log me out of this
# site"; and in A's `session` table the row of the browser's PHPSESSID holds visitor_id (the
# visitor's xchan hash) and my_address. Pages and headers stay in $D/owa for a failed run.
hex() { printf %s "$1" | od -An -tx1 -v | tr -d ' \n'; }
web() { local jar=$1; shift; curl -sS --cacert $CA --max-time 30 --max-redirs 10 -b "$jar" -c "$jar" "$@"; }
O=$D/owa
mkdir -p "$O"
SECRET=owa-secret-$RUN
PAGE=https://$NAME/channel/carl
O_MID=$(H channel post --nick carl --to bob@hubzilla-b.test --body "$SECRET" --json | sed -n 's/.*"mid":"\([^"]*\)".*/\1/p')
check "OWA: carl makes a post for bob only ($SECRET)" "[ -n '$O_MID' ]"

# Direction 1: Hubzilla visitor -> Caravan.
rm -f "$O/jar-anon0"
web "$O/jar-anon0" -o /dev/null -w '%{redirect_url}' "$PAGE?zid=bob@hubzilla-b.test" >"$O/d1-first.loc"
first_hop_ok() {
  local loc b
  loc=$(cat "$O/d1-first.loc")
  [[ $loc == "https://hubzilla-b.test/magic?"* && $loc == *[?\&]owa=1* && $loc == *[?\&]bdest=* ]] || return 1
  b=${loc#*bdest=}; b=${b%%&*}
  [ "${b,,}" = "$(hex "$PAGE")" ]
}
check "OWA Hubzilla -> Caravan: a zid visitor is sent to B's /magic?f=&rev=1&owa=1&bdest=hex(page)" first_hop_ok
JO=$O/jar-bob
cp "$JB" "$JO"
web "$JO" -L -D "$O/d1.hdr" -o "$O/d1.html" -w '%{url_effective}' "$PAGE?zid=bob@hubzilla-b.test" >"$O/d1.url"
OWT=$(tr -d '\r' <"$O/d1.hdr" | sed -n "s|^[Ll]ocation: *\(https://$NAME/[^ ]*[?&]owt=[^ ]*\)$|\1|p" | head -n 1)
check "OWA Hubzilla -> Caravan: hub B comes back with ?owt=, Caravan drops it from the address" \
  "[ -n '$OWT' ] && [ \"\$(cat '$O/d1.url')\" = '$PAGE' ]"
check "OWA Hubzilla -> Caravan: carl's page says 'visiting as bob@hubzilla-b.test'" \
  "grep -qiF 'visiting as bob@hubzilla-b.test' '$O/d1.html'"
check "OWA Hubzilla -> Caravan: ... and shows bob the post carl made for him" "grep -qF '$SECRET' '$O/d1.html'"
web "$JO" -o "$O/d1-again.html" "$PAGE"
check "OWA Hubzilla -> Caravan: bob's visitor session holds (no zid, same cookies)" \
  "grep -qiF 'visiting as bob@hubzilla-b.test' '$O/d1-again.html' && grep -qF '$SECRET' '$O/d1-again.html'"
rm -f "$O/jar-anon1"
web "$O/jar-anon1" -L -o "$O/d1-anon.html" "$PAGE"
check "OWA Hubzilla -> Caravan: an anonymous visitor does not see that post" \
  "[ -s '$O/d1-anon.html' ] && ! grep -qF '$SECRET' '$O/d1-anon.html' && ! grep -qiF 'visiting as' '$O/d1-anon.html'"
rm -f "$O/jar-anon2"
[ -n "$OWT" ] && web "$O/jar-anon2" -L -o "$O/d1-replay.html" "$OWT"
check "OWA Hubzilla -> Caravan: replaying the owt URL (fresh browser) does not sign in" \
  "[ -n '$OWT' ] && [ -s '$O/d1-replay.html' ] && ! grep -qiF 'visiting as' '$O/d1-replay.html' && ! grep -qF '$SECRET' '$O/d1-replay.html'"
# bob, still visiting, comments on and likes the post from Caravan's permalink page; carl's hub
# stores it as bob's, vouches for it (signs as carl, bob as actor) and relays it to hub B.
OCOM=owa-comment-$RUN
web "$JO" -o "$O/d1-permalink.html" "$O_MID"
PCSRF=$(grep -o '<input[^>]*name="csrf"[^>]*>' "$O/d1-permalink.html" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | head -n 1)
web "$JO" -o /dev/null -w '%{http_code}' "$O_MID/comment" --data-urlencode "csrf=$PCSRF" \
  --data-urlencode "body=$OCOM" >"$O/d1-comment.code"
check "OWA visitor: bob comments on carl's post on Caravan (permalink form, 303)" \
  "grep -q 'id=\"visitor-comment\"' '$O/d1-permalink.html' && [ \"\$(cat '$O/d1-comment.code')\" = 303 ]"
check "OWA visitor: Caravan shows bob's comment on the permalink" \
  "web '$JO' '$O_MID' | grep -qF '$OCOM'"
check "OWA visitor: the comment reaches bob's copy of the thread on hub B, as bob's" \
  "waitfor \"[ -n \\\"\\\$(q b \\\"select i.id from item i join xchan x on x.xchan_hash=i.author_xchan where i.body like '%$OCOM%' and x.xchan_addr='bob@hubzilla-b.test'\\\")\\\" ]\""
# Not logged in on B: B's /magic sends the browser straight back to bdest (no owt); no loop.
rm -f "$O/jar-anon3"
web "$O/jar-anon3" -L -o "$O/d1-nob.html" -w '%{http_code} %{url_effective}' "$PAGE?zid=bob@hubzilla-b.test" >"$O/d1-nob.url"
check "OWA Hubzilla -> Caravan: without a session on B the zid visitor lands anonymous, no loop" \
  "[ \"\$(cat '$O/d1-nob.url')\" = '200 $PAGE' ] && ! grep -qF '$SECRET' '$O/d1-nob.html' && ! grep -qiF 'visiting as' '$O/d1-nob.html'"

# Direction 2: Caravan owner -> Hubzilla.
AD=https://hubzilla-a.test/channel/alice
JC=$O/jar-carl
rm -f "$JC"
CSRF=$(web "$JC" "https://$NAME/login" | grep -o '<input[^>]*name="csrf"[^>]*>' | sed -n 's/.*value="\([^"]*\)".*/\1/p' | head -n 1)
web "$JC" -L -o "$O/d2-login.html" -w '%{http_code} %{num_redirects} %{url_effective}' "https://$NAME/login" \
  --data-urlencode "csrf=$CSRF" --data-urlencode email=carl@example.org --data-urlencode password=Correct-Horse-42 >"$O/d2-login.url"
login_ok() {
  local code n url
  read -r code n url <"$O/d2-login.url"
  [ -n "$CSRF" ] && [ "$code" = 200 ] && [ "$n" -ge 1 ] && [[ $url != */login* ]]
}
check "OWA Caravan -> Hubzilla: carl logs in on Caravan (csrf, email, password)" login_ok
web "$JC" -L -D "$O/d2.hdr" -o "$O/d2.html" -w '%{url_effective}' "https://$NAME/magic?f=&owa=1&bdest=$(hex "$AD")" >"$O/d2.url"
check "OWA Caravan -> Hubzilla: Caravan's /magic brings carl to alice's page with an owt from A" \
  "tr -d '\r' <'$O/d2.hdr' | grep -qE '^[Ll]ocation: *$AD[?&](.*&)?owt=' && [[ \"\$(cat '$O/d2.url')\" == $AD* ]]"
check "OWA Caravan -> Hubzilla: hub A shows carl as remote visitor ('Take me home' to Caravan, 'Log me out of this site')" \
  "grep -qF 'href=\"https://$NAME\" role=\"menuitem\">Take me home</a>' '$O/d2.html' && grep -qF 'Log me out of this site' '$O/d2.html'"
ASID=$(awk '$1 ~ /hubzilla-a\.test$/ && $6 == "PHPSESSID" {print $7}' "$JC" | tail -n 1)
a_session_ok() {
  local s
  [ -n "$ASID" ] && [ -n "$CX" ] || return 1
  s=$(q a "select sess_data from session where sid='$ASID'")
  [[ $s == *"authenticated|i:1;"* && $s == *"visitor_id|s:${#CX}:\"$CX\""* && $s == *"my_address|s:${#CARL}:\"$CARL\""* ]]
}
check "OWA Caravan -> Hubzilla: A's session table has carl as the visitor of that browser" a_session_ok
rm -f "$O/jar-anon4"
web "$O/jar-anon4" -L -o "$O/d2-anon.html" "https://$NAME/magic?f=&owa=1&bdest=$(hex "$AD")"
check "OWA Caravan -> Hubzilla: Caravan's /magic without a login signs nobody in at A" \
  "! grep -qF 'Log me out of this site' '$O/d2-anon.html'"

fi  # NOMAD_ONLY

# --- nomadic identity: alice of hubzilla-a.test gets a Caravan location ----------------------
# Online import with her login on A (Hubzilla's /api/z/1.0 export and item pages); then
# Hubzilla's `hz` sync packets both ways: A -> Caravan and Caravan -> A.
T=${T:-$(date +%s)}
AH=$(q a "select channel_hash from channel where channel_address='alice'")
A_WALL=$(q a "select mid from item where uid=2 and item_wall=1 and item_deleted=0 and mid=parent_mid and item_type=0")
echo 'Correct-Horse-42' | H admin account create --email alice@example.org --password-stdin >/dev/null
IMPORT=$(echo "$PW" | H channel import --account alice@example.org --from alice@hubzilla-a.test --login alice --posts --json 2>&1)
echo "     import: $(echo "$IMPORT" | jq -c '{nick, connections, posts_pulled, locations, primary}' 2>/dev/null || echo "$IMPORT")"
check "online import: alice@hubzilla-a.test becomes a Caravan channel with the same portable id" \
  "echo '$IMPORT' | jq -e --arg h '$AH' '.portable_id == \$h and .posts_pulled > 0'"
ANICK=$(echo "$IMPORT" | jq -r '.nick // "alice"')
ashow() { H channel show --nick "$ANICK" --json; }
echo "$A_WALL" > "$D/a-wall.txt"
H channel export --nick "$ANICK" --out "$D/alice-export.json" >/dev/null
check "online import: every post on alice's wall at A ($(echo "$A_WALL" | grep -c .)) is on Caravan, once" \
  "jq -e --rawfile w '$D/a-wall.txt' '[.items[] | select(.item_deleted | not) | .mid] as \$s | (\$w | split(\"\\n\") | map(select(. != \"\"))) | all(. as \$m | (\$s | map(select(. == \$m)) | length) == 1)' '$D/alice-export.json'"
zinfo() { curl -sS --cacert $CA -H 'Accept: application/x-zot+json' "$1"; }
check "Caravan's channel info for alice lists hubzilla-a.test (primary), hubzilla-b.test and itself" \
  "zinfo https://$NAME/channel/$ANICK | jq -e '[.locations[] | select(.primary) | .host] == [\"hubzilla-a.test\"] and ([.locations[].host] | index(\"hubzilla-b.test\") != null and index(\"$NAME\") != null)'"
check "hub A learned the Caravan location (refresh)" \
  "waitfor \"[ \\\"\\\$(q a \\\"select count(*) from hubloc where hubloc_hash='$AH' and hubloc_url='https://$NAME' and hubloc_deleted=0\\\")\\\" = 1 ]\""
P2=$(hz $JA https://hubzilla-a.test/item -d type=wall -d profile_uid=2 --data-urlencode "body=alice on A after the clone $T [b]bold[/b]" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
A2_MID=$(q a "select mid from item where id=${P2:-0}")
check "hz sync Hubzilla -> Caravan: alice's new post on A is on her Caravan location" \
  "waitfor \"ashow | jq -e --arg m '$A2_MID' '[.stream[] | select(.mid == \\\$m)] | length == 1'\""
check "... rendered from BBCode" \
  "curl -sS --cacert $CA https://$NAME/channel/$ANICK | grep -qF '<b>bold</b>'"
C2_MID=$(H channel post --nick "$ANICK" --body "alice on Caravan $T" --json | sed -n 's/.*"mid":"\([^"]*\)".*/\1/p')
check "hz sync Caravan -> Hubzilla: alice's post on Caravan is on hubzilla-a.test, on her wall" \
  "waitfor \"[ -n \\\"\\\$(q a \\\"select id from item where uid=2 and mid='$C2_MID' and item_wall=1\\\")\\\" ]\""
check "... and bob on B, her connection, gets it once" \
  "waitfor \"[ \\\"\\\$(q b \\\"select count(*) from item where uid=2 and mid='$C2_MID'\\\")\\\" = 1 ]\""
check "... and her clone on B (channel 3) has it too" \
  "waitfor \"[ -n \\\"\\\$(q b \\\"select id from item where uid=3 and mid='$C2_MID'\\\")\\\" ]\""
H channel edit --nick "$ANICK" --mid "$C2_MID" --body "alice on Caravan $T, edited there" --json >/dev/null
check "hz sync Caravan -> Hubzilla: her edit on Caravan reaches A" \
  "waitfor \"q a \\\"select body from item where uid=2 and mid='$C2_MID'\\\" | grep -q 'edited there'\""
hz $JA https://hubzilla-a.test/item -d type=wall -d profile_uid=2 -d "post_id=$P2" --data-urlencode "body=alice on A after the clone $T, edited on A" >/dev/null
check "hz sync Hubzilla -> Caravan: her edit on A reaches Caravan" \
  "waitfor \"ashow | jq -e --arg m '$A2_MID' '.stream[] | select(.mid == \\\$m) | .body | contains(\\\"edited on A\\\")'\""
hz $JA -o /dev/null "https://hubzilla-a.test/item/drop/$P2"
check "hz sync Hubzilla -> Caravan: her deletion on A reaches Caravan" \
  "waitfor \"ashow | jq -e --arg m '$A2_MID' '[.stream[] | select(.mid == \\\$m)] | length == 0'\""
H channel edit --nick "$ANICK" --mid "$C2_MID" --delete --json >/dev/null
check "hz sync Caravan -> Hubzilla: her deletion on Caravan reaches A" \
  "waitfor \"[ \\\"\\\$(q a \\\"select item_deleted from item where uid=2 and mid='$C2_MID'\\\")\\\" = 1 ]\""
echo 'Correct-Horse-42' | H admin account create --email dora@example.org --password-stdin >/dev/null
H admin channel create --account dora@example.org --nick dora --name "Dora Caravan" --role public >/dev/null
hz $JA -o /dev/null "https://hubzilla-a.test/follow?url=dora@$NAME&interactive=0"
check "hz sync Hubzilla -> Caravan: a connection alice makes on A is on her Caravan location" \
  "waitfor \"ashow | jq -e '.connections[] | select(.address == \\\"dora@$NAME\\\")'\""
check "sync-status: every change made on Caravan reached both Hubzilla locations" \
  "waitfor \"H channel sync-status --nick $ANICK --json | jq -e .in_sync\""
H channel sync-status --nick "$ANICK" | sed 's/^/     /'

echo
H queue status
if [[ $FAILED -ne 0 ]]; then
  echo "hubzilla-live: FAILED (Caravan log: $D/serve.log; Hubzilla logs: /tmp/hz-run/logs/)"
  exit 1
fi
echo "hubzilla-live: all checks passed"
