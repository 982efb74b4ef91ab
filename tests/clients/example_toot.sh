#!/bin/sh
# toot 0.52.1 smoke flow. usage: sh example_toot.sh BASE_URL AUTH_CODE
# Config goes to $XDG_CONFIG_HOME/toot/config.json, cache to $XDG_CACHE_HOME/toot/.
set -e
BASE=$1; CODE=$2
TOOT=${TOOT:-/work/venv-clients/bin/toot}
export XDG_CONFIG_HOME=${XDG_CONFIG_HOME:-$(mktemp -d)} XDG_CACHE_HOME=${XDG_CACHE_HOME:-$(mktemp -d)}
# "n" = don't open a browser, then the oob authorization code (both read from stdin via click.prompt)
printf 'n\n%s\n' "$CODE" | "$TOOT" login -i "$BASE"
"$TOOT" post "hello from toot"
"$TOOT" timeline --once            # legacy command, GET /api/v1/timelines/home?limit=10
"$TOOT" timelines home --no-pager --no-clear
