#!/usr/bin/env bash
# Runs every test: the Java node's JUnit tests (Maven), the Erlang client's eunit tests, xref and
# dialyzer, and the common_test suites in test/, each of which starts real Java nodes.
# Any failure stops the run with a non-zero exit; a green run ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
strip() { sed 's/\x1b\[[0-9;]*m//g'; }

RUN_JAVA_TESTS=1 bash scripts/build.sh
junit=$(cat java_node/target/surefire-reports/*.txt | awk -F'[ ,]+' '/Tests run/ {t += $3} END {print t + 0}')
echo "JUnit: $junit tests passed"
rebar3 eunit | strip | tee "$out/eunit"
rebar3 xref | strip
rebar3 dialyzer | strip
rebar3 ct | strip | tee "$out/ct"
eunit=$(grep -Eo '^[0-9]+ tests, 0 failures' "$out/eunit" | grep -Eo '^[0-9]+' | tail -n 1)
ct=$(grep -Eo '^All [0-9]+ tests passed' "$out/ct" | grep -Eo '[0-9]+' | tail -n 1)
echo "JUnit $junit, eunit ${eunit:-0}, common_test ${ct:-0}"
echo "$((junit + ${eunit:-0} + ${ct:-0})) passed, 0 failed"
