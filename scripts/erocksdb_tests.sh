#!/usr/bin/env bash
# Runs eunit test modules written for erlang-rocksdb, unchanged, against this repository's drop-in
# `rocksdb` module (erlang_client/rocksdb_compat) and a real Java node that the rocksdb_jnode
# application owns.
#
#   bash scripts/erocksdb_tests.sh DIR [MODULE...]
#
# DIR holds the .erl files (test modules and their helpers); they are compiled into a temporary
# directory, never into the repository. The MODULEs (default: every module in DIR) are run one
# by one with eunit, from a fresh temporary working directory, so that the relative paths such
# tests use ("test.db", "ltest") land there; the Java node is confined to that directory and to
# /tmp (--root). Each module's verbose eunit output is printed, then one summary line per module
# and a total; the exit status is non-zero when a test failed. Builds first when _build lacks the
# client (scripts/build.sh). Keep the runs small on shared machines: the JVM gets -Xmx256m unless
# ERTESTS_JVM_ARGS says otherwise (space separated).
set -euo pipefail
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR [MODULE...]  (DIR: a directory of erlang-rocksdb test modules)" >&2
    exit 2
fi
src=$(cd "$1" && pwd)
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -d "$repo/_build/default/lib/rocksdb_compat/ebin" ] || bash "$repo/scripts/build.sh"

work=$(mktemp -d /tmp/erocksdb_tests.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ebin" "$work/run"
erlc -o "$work/ebin" "$src"/*.erl

if [ $# -gt 0 ]; then
    mods="$*"
else
    mods=$(cd "$src" && ls ./*.erl | sed 's|^\./||; s|\.erl$||' | tr '\n' ' ')
fi
modlist=$(echo "$mods" | awk '{for (i = 1; i <= NF; i++) printf "%s%s", (i > 1 ? "," : ""), $i}')
jvm_args=$(echo "${ERTESTS_JVM_ARGS:--Xmx256m}" |
           awk '{for (i = 1; i <= NF; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), $i}')

cd "$work/run"
erl -noshell -name "erocksdb_tests_$$@127.0.0.1" \
    -pa "$repo"/_build/default/lib/*/ebin "$work/ebin" \
    -eval "
ok = application:load(rocksdb_jnode),
ok = application:set_env(rocksdb_jnode, jvm_args, [$jvm_args]),
ok = application:set_env(rocksdb_jnode, node_args, [\"--root\", \"$work/run\", \"--root\", \"/tmp\"]),
{ok, _} = application:ensure_all_started(rocksdb_compat),
{ok, _} = application:ensure_all_started(rocksdb_jnode),
Run = fun(M) ->
          io:format(\"~n===== ~p =====~n\", [M]),
          R = eunit:test(M, [verbose]),
          {M, R}
      end,
Results = [Run(M) || M <- [$modlist]],
io:format(\"~n===== summary =====~n\"),
[io:format(\"~-20s ~p~n\", [atom_to_list(M), R]) || {M, R} <- Results],
Failed = [M || {M, R} <- Results, R =/= ok],
io:format(\"~p modules, ~p with failures~n\", [length(Results), length(Failed)]),
application:stop(rocksdb_jnode),
halt(case Failed of [] -> 0; _ -> 1 end)."
