#!/usr/bin/env bash
# Runs every test: the Java node's JUnit tests (Maven), the Erlang client's eunit tests, dialyzer
# and xref, and the common_test suites in test/, each of which starts real Java nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_JAVA_TESTS=1 bash scripts/build.sh
rebar3 eunit
rebar3 xref
rebar3 dialyzer
rebar3 ct
