#!/usr/bin/env bash
# Runs every fuzz target for MINUTES minutes (default 10), one after the other, and prints
# libFuzzer's final statistics for each. Needs cargo-fuzz and a nightly toolchain.
set -uo pipefail
cd "$(dirname "$0")"
MINUTES=${1:-10}
mkdir -p logs
for t in signature_header webfinger_parse zotinfo_verify activity_parse envelope_decrypt; do
  start=$(date +%s)
  nice -n 19 cargo +nightly fuzz run -O "$t" -- -max_total_time=$((MINUTES * 60)) \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(grep -a 'stat::number_of_executed_units' "logs/$t.log" | awk '{print $2}')
  crashes=$(ls artifacts/"$t" 2>/dev/null | wc -l)
  echo "$t rc=$rc seconds=$secs executions=${execs:-?} artifacts=$crashes"
done
