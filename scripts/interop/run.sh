#!/usr/bin/env bash
# Independent check of Caravan's HTTP signatures: zot signs (zot/examples/interop_sign.rs),
# Python's `httpsig` package (a separate draft-cavage implementation) verifies. Installs httpsig
# with pip into a throwaway virtualenv under target/ when missing. Bounded: 10 minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
VENV=target/interop-venv
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import httpsig' 2>/dev/null; then
  timeout 300 "$VENV/bin/pip" install -q --disable-pip-version-check 'httpsig==1.3.0'
fi
timeout 600 cargo run -q -p zot --example interop_sign > target/interop-signed.jsonl
"$VENV/bin/python" scripts/interop/verify_httpsig.py < target/interop-signed.jsonl
# Two hubs from the hub binary federate through the CLI (connect, approve, post, show).
timeout 300 bash scripts/interop/two-hubs.sh
# A channel exported from one hub process and imported on another stays in step both ways.
timeout 300 bash scripts/interop/clone.sh
