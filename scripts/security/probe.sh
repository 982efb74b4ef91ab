#!/usr/bin/env bash
# The HTTP-visible findings of the issue-6 outside probe, against one hub binary (bounded: the
# hub it starts listens on 127.0.0.1 only and is killed on exit). Usage: probe.sh BINARY PORT.
# Run it on an old and a new binary to see each finding before and after its fix.
set -u
BIN=$1; PORT=$2; D=$(mktemp -d); B="http://127.0.0.1:$PORT"
mkdir -p $D/static/css; echo ok > $D/static/css/x.css
HUB__PATHS__STATIC_DIR=$D/static HUB__LIMITS__LOGIN_PER_MINUTE=1000 RUST_LOG=warn $BIN --data $D/data serve --bind 127.0.0.1:$PORT >$D/log 2>&1 &
PID=$!; trap 'kill $PID 2>/dev/null; rm -rf $D' EXIT
for i in $(seq 50); do curl -s -o /dev/null $B/ && break; sleep 0.2; done
csrf() { curl -s -c $1 -b $1 $B$2 | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }
r1=$(curl -s --path-as-is -o $D/o -w '%{http_code}' "$B/static//etc/passwd"); echo "1 static //etc/passwd: $r1 $(grep -c root: $D/o) root-lines"
r1=$(curl -s --path-as-is -o $D/o -w '%{http_code}' "$B/static/%2fetc%2fpasswd"); echo "1 static %2fetc%2fpasswd: $r1 $(grep -c root: $D/o) root-lines"
echo 'Correct-Horse-42' | $BIN --data $D/data admin account create --email v@example.org --password-stdin >/dev/null 2>&1
$BIN --data $D/data admin channel create --account v@example.org --nick quiet --name Quiet >/dev/null 2>&1
J=$D/jar; t=$(csrf $J /login)
curl -s -o /dev/null -c $J -b $J -d "csrf=$t&email=v%40example.org&password=Correct-Horse-42" $B/login
cp $J $D/stolen
t=$(csrf $J /channels)
curl -s -o /dev/null -c $J -b $J -d "csrf=$t&body=for+friends+only" $B/channel/quiet/post
t=$(csrf $J /channels)
curl -s -o /dev/null -c $J -b $J -d "csrf=$t" $B/logout
echo "3 copied cookie after logout: GET /channels -> $(curl -s -o /dev/null -w '%{http_code}' -b $D/stolen $B/channels) (200 = still logged in)"
echo "14 anonymous sees personal post: $(curl -s $B/channel/quiet | grep -c 'for friends only')"
K=$D/k; t=$(csrf $K /register)
a=$(curl -s -o /dev/null -w '%{http_code}' -c $K -b $K -d "csrf=$t&email=v%40example.org&password=Correct-Horse-42" $B/register)
b=$(curl -s -o /dev/null -w '%{http_code}' -c $K -b $K -d "csrf=$t&email=fresh%40example.org&password=Correct-Horse-42" $B/register)
echo "6 register existing vs new: $a vs $b"
c=$(curl -s -o /dev/null -w '%{http_code}' -c $K -b $K -d "csrf=$t&email=a%40%5B127.0.0.1%5D&password=Correct-Horse-42" $B/register)
echo "10 register a@[127.0.0.1]: $c"
echo "11 ?page=abc: $(curl -s -o $D/o -w '%{http_code} %{content_type}' "$B/channel/quiet?page=abc") $(head -c 40 $D/o)"
echo "11 HEAD /login: $(curl -s -I -o /dev/null -w '%{http_code}' $B/login); DELETE /login: $(curl -s -X DELETE -o /dev/null -w '%{http_code}' $B/login)"
echo "13 modes: $(stat -c '%a %n' $D/data $D/data/hub.sqlite $D/data/session.key | tr '\n' ' ')"
