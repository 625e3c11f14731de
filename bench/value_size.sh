#!/usr/bin/env bash
# The largest put a Java node takes for a given heap. Usage: bash bench/value_size.sh [heap MB ...]
# (default 256 1024). Each put is sent raw, past the client's max_value_size check.
set -euo pipefail
cd "$(dirname "$0")/.."
heaps=("$@"); [ ${#heaps[@]} -gt 0 ] || heaps=(256 1024)
bash scripts/build.sh </dev/null
work=$(mktemp -d /tmp/rocksdb_jnode_vsize.XXXXXX)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" bench/value_size.erl
paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
epmd -daemon
# shellcheck disable=SC2086
erl -noshell -name "vsize_$$@127.0.0.1" $paths -pa "$work" -run value_size run "$work" "${heaps[@]}"
