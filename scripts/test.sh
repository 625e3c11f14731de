#!/usr/bin/env bash
# Runs every test: the Java node's JUnit tests (Maven), the Erlang client's eunit tests, xref and
# dialyzer, the common_test suites in test/, each of which starts real Java nodes, and
# test/dependency_test.sh (a throwaway rebar3 app and release depending on the committed HEAD).
# Any failure stops the run with a non-zero exit; a green run ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
strip() { sed 's/\x1b\[[0-9;]*m//g'; }

RUN_JAVA_TESTS=1 bash scripts/build.sh
# The JMH benchmarks (bench/jmh, Maven profile jmh) compile, and a smoke run of the benchmark suite
# (tiny sizes, one round) writes a CSV with every expected row (bench/README.md, "The suite").
mvn -q -B -Dstyle.color=never -Djinterface.version="$(bash scripts/bootstrap.sh | tail -n 1)" \
    -P jmh -DskipTests test-compile 2>&1 | sed 's/\x1b\[0m//g'
SUITE_NO_BUILD=1 bash bench/suite.sh --smoke csv="$out/smoke.csv" >"$out/suite" 2>&1 ||
  { cat "$out/suite"; exit 1; }
bash bench/check_csv.sh "$out/smoke.csv" | tee "$out/bench"
junit=$(cat java_node/target/surefire-reports/*.txt | awk -F'[ ,]+' '/Tests run/ {t += $3} END {print t + 0}')
echo "JUnit: $junit tests passed"
rebar3 eunit | strip | tee "$out/eunit"
rebar3 xref | strip
rebar3 dialyzer | strip
rebar3 ct | strip | tee "$out/ct"
bash test/dependency_test.sh | tee "$out/dependency"
eunit=$(grep -Eo '^[0-9]+ tests, 0 failures' "$out/eunit" | grep -Eo '^[0-9]+' | tail -n 1)
ct=$(grep -Eo '^All [0-9]+ tests passed' "$out/ct" | grep -Eo '[0-9]+' | tail -n 1)
dep=$(grep -Eo '^dependency: [0-9]+ checks passed' "$out/dependency" | grep -Eo '[0-9]+')
bench=$(grep -Eo '^bench: [0-9]+ rows checked' "$out/bench" | grep -Eo '[0-9]+')
echo "JUnit $junit, eunit ${eunit:-0}, common_test ${ct:-0}, dependency ${dep:-0}; bench smoke: all ${bench:-0} rows"
echo "$((junit + ${eunit:-0} + ${ct:-0} + ${dep:-0})) passed, 0 failed"
