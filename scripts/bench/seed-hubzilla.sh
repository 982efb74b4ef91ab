#!/usr/bin/env bash
# Gives a Hubzilla channel the page the bench's channel page has: POSTS public posts, each with
# COMMENTS comments, through Hubzilla's own API (/api/z/1.0/item/update, basic auth), so that
# `bench pages --peer channel=https://HOST/channel/NICK` compares like with like.
#
#   scripts/bench/seed-hubzilla.sh https://hubzilla-a.test alice Test-Passw0rd-123 [POSTS] [COMMENTS]
#
# For the test kit in ../shared/peers/hubzilla (its hubs have a throwaway CA; -k is used).
set -euo pipefail
BASE=${1:?base URL}; NICK=${2:?channel nickname}; PASS=${3:?password}
POSTS=${4:-20}; COMMENTS=${5:-2}
# Hubzilla suppresses a post identical to an earlier one: every body carries this run's stamp.
STAMP=$(date +%s)
api() { curl -skf -u "$NICK:$PASS" "$@" "$BASE/api/z/1.0/item/update"; }
for ((n = 1; n <= POSTS; n++)); do
  body="## Post $n

A post of ordinary length with **some** emphasis, a [link](https://example.org/$n) and a list:

- one
- two
- three

And a second paragraph to give it the length of a real post, about what the caravan saw on day $n (run $STAMP)."
  # An empty contact_allow makes the post public (else the API applies the channel's default ACL).
  id=$(api --data-urlencode "body=$body" --data-urlencode "mimetype=text/markdown" --data-urlencode "contact_allow=" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["item_id"])')
  for ((c = 1; c <= COMMENTS; c++)); do
    api --data-urlencode "body=Comment $c on post $n: well said ($STAMP)." --data-urlencode "parent=$id" >/dev/null
  done
done
echo "seed-hubzilla: $POSTS posts with $COMMENTS comments each on $NICK at $BASE"
