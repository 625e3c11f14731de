#!/usr/bin/env bash
# The application's own JVM: time from application:ensure_all_started(rocksdb_jnode) to the
# first served call (median of N starts), and what 16 processes calling get/3 see when the JVM
# is killed with kill -9 (replies by kind, time until every process is served again).
# Usage: bash bench/managed_jvm.sh [starts] [workers]
set -euo pipefail
cd "$(dirname "$0")/.."
starts=${1:-5}; workers=${2:-16}
bash scripts/build.sh </dev/null
work=$(mktemp -d /tmp/rocksdb_jnode_mjvm.XXXXXX)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" bench/managed_jvm_bench.erl
paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
# shellcheck disable=SC2086
erl -noshell -name "mjvm_bench_$$@127.0.0.1" $paths -pa "$work" \
    -run managed_jvm_bench run "$work" "$starts" "$workers"
