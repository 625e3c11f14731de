#!/usr/bin/env bash
# A full fold/4 over N keys of S-byte values through the Java node, next to the same full scan
# done directly in Java (RocksIterator) on the same DB, rounds interleaved (the node closes the
# DB before each direct scan, which runs in its own JVM, and reopens it after).
# Usage: bash bench/fold.sh [N keys] [value bytes] [rounds] [node flags...]
# e.g.   bash bench/fold.sh 1000000 100 3 --iterator-chunk 1048576
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}; s=${2:-100}; rounds=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
# FOLD_NO_BUILD=1 (bench/suite.sh sets it): the caller has built, and may be running a node from
# the jar, which a rebuild would rewrite under it.
[ "${FOLD_NO_BUILD:-0}" = 1 ] || bash scripts/build.sh </dev/null
work=$(mktemp -d /tmp/rocksdb_jnode_fold.XXXXXX)
trap 'rm -rf "$work"' EXIT
jar=java_node/target/rocksdb-jnode.jar
erlc -o "$work" bench/fold_bench.erl
java -cp "$jar" bench/FoldDirect.java write "$work/db" "$n" "$s"
du -sh "$work/db" | sed 's/^/db size: /'
paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
# shellcheck disable=SC2086
erl -noshell -name "fold_bench_$$@127.0.0.1" $paths -pa "$work" -run fold_bench run "$work" "$jar" "$rounds" "$@"
