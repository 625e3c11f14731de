#!/usr/bin/env bash
# Mutation testing of the Java node's logic classes with PIT (the `pit` Maven profile in
# java_node/pom.xml). Not part of the build or of scripts/test.sh. Prints PIT's statistics and a
# per-class table; the full report is java_node/target/pit-reports/index.html.
# Extra arguments go to Maven, e.g. -DtargetClasses=io.rocksdbjnode.handle.PathGuard* for one class.
set -euo pipefail
cd "$(dirname "$0")/.."
jver=$(bash scripts/bootstrap.sh | tail -n 1)
log=java_node/target/pit.log
mkdir -p java_node/target
if ! mvn -B -Dstyle.color=never -Djinterface.version="$jver" -Ppit "$@" test >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "PIT failed; the whole log is $log" >&2
    exit 1
fi
sed -n '/^- Statistics/,/^>> Ran/p' "$log"
csv=java_node/target/pit-reports/mutations.csv
awk -F, '{ c = $2; sub(/\$.*/, "", c); sub(/.*\./, "", c); total[c]++; if ($6 == "KILLED" || $6 == "TIMED_OUT" || $6 == "MEMORY_ERROR" || $6 == "RUN_ERROR") killed[c]++; else { left[c]++; where[c] = where[c] " " $4 ":" $5 "(" $6 ")" } }
     END { printf "%-20s %7s %6s\n", "class", "killed", "total"; for (c in total) printf "%-20s %7d %6d%s\n", c, killed[c], total[c], where[c] }' "$csv" | sort
