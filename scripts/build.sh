#!/usr/bin/env bash
# Builds everything: installs what is missing (scripts/bootstrap.sh), builds the Java node's jar
# with Maven (tests skipped unless RUN_JAVA_TESTS=1), puts it in priv/ (which
# erlang_client/rocksdb_jnode/priv links to: README, "As a dependency") and compiles the Erlang
# apps with rebar3, whose compile hook (scripts/build_jar.sh) then finds the jar up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
jver=$(bash scripts/bootstrap.sh | tail -n 1)
skip=-DskipTests
[ "${RUN_JAVA_TESTS:-0}" = 1 ] && skip=
# Debian's Maven prints colour resets even when quiet; strip them.
mvn -q -B -Dstyle.color=never -Djinterface.version="$jver" $skip package 2>&1 | sed 's/\x1b\[0m//g'

mkdir -p priv
# Through a new file and a rename: a node running from the old jar keeps reading its own copy.
cp java_node/target/rocksdb-jnode.jar priv/rocksdb-jnode.jar.tmp
mv priv/rocksdb-jnode.jar.tmp priv/rocksdb-jnode.jar
rebar3 compile >/dev/null
