#!/usr/bin/env bash
# Latency of a connected node's calls (ping, get_backup_info) with no idle socket, with idle
# sockets open to the node's port, and with stalled handshakes.
# Usage: bash bench/idle_sockets.sh [calls per kind] [sockets]; BENCH_JAR=path runs another jar.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}; sockets=${2:-10}
bash scripts/build.sh </dev/null
work=$(mktemp -d /tmp/rocksdb_jnode_idle.XXXXXX)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" bench/idle_bench.erl
paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
# shellcheck disable=SC2086
erl -noshell -name "idle_bench_$$@127.0.0.1" $paths -pa "$work" -run idle_bench run "$work" "$n" "$sockets"
