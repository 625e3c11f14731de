#!/usr/bin/env bash
# One create_new_backup of a ~100 MB DB through the Java node, next to the same backup made
# directly in rocksdbjni. Usage: bash bench/backup.sh [N values] [value bytes] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}; s=${2:-100000}; rounds=${3:-3}
bash scripts/build.sh </dev/null
work=$(mktemp -d /tmp/rocksdb_jnode_bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" bench/backup_bench.erl
java -cp java_node/target/rocksdb-jnode.jar bench/BackupDirect.java "$work" "$n" "$s" "$rounds"
du -sh "$work/direct_db" | sed 's/^/direct db size: /'
paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
# shellcheck disable=SC2086
erl -noshell -name "bench_$$@127.0.0.1" $paths -pa "$work" -run backup_bench run "$work" "$n" "$s" "$rounds"
du -sh "$work/node_db" | sed 's/^/node db size: /'
