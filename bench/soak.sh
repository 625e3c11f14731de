#!/usr/bin/env bash
# A long soak: stress_SUITE's mixed_load (32 DB processes, 8 backup processes on two engines,
# a pinger) for SECONDS (default 600), with all of its checks at the end.
# Usage: bash bench/soak.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh </dev/null
export STRESS_SECONDS=${1:-600}
[ -n "${2:-}" ] && export STRESS_SEED=$2
rebar3 ct --suite test/stress_SUITE --case mixed_load | sed 's/\x1b\[[0-9;]*m//g'
log=$(ls -t _build/test/logs/ct_run.*/*/run.*/stress_suite.mixed_load.html | head -n 1)
sed 's/<[^>]*>//g' "$log" | grep -E "seed|calls in all| ok: |badarg|error|slowest|pinger|hung|acknowledged|verify" | head -60
