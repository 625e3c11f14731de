#!/usr/bin/env bash
# The main job. Builds everything, starts a Java node, and runs the seed document's backup example
# through the Erlang client, printing each call and its reply.
#   bash scripts/demo.sh           run the seed example, then stop the node
#   bash scripts/demo.sh --shell   open an Erlang shell connected to the node instead, where the
#                                  seed's example can be typed as written (rocksdb:open/2, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-example}
case "$mode" in example|--shell) ;; *) echo "usage: $0 [--shell]" >&2; exit 2;; esac
bash scripts/build.sh </dev/null

# The application owns its Java node: starting rocksdb_compat (and so rocksdb_jnode) starts the
# JVM under its supervisor, with this node's cookie handed over in the JVM's environment; the
# JVM stops with the application, or by itself when this Erlang VM dies.
work=$(mktemp -d /tmp/rocksdb_jnode_demo.XXXXXX)
paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
start='{ok, _} = application:ensure_all_started(rocksdb_compat), io:format("Java node ~s (os pid ~p)~n", [rocksdb_jnode_config:node(), maps:get(os_pid, gen_server:call(rocksdb_jnode_jvm, info))])'
if [ "$mode" = "--shell" ]; then
  echo "Connected shell: the drop-in module 'rocksdb' talks to the application's Java node. Try"
  echo "the seed example, e.g."
  echo "  {ok, DB} = rocksdb:open(\"/tmp/erocksdb.fold.test\", [{create_if_missing, true}])."
  # shellcheck disable=SC2086
  erl -name "shell_$$@127.0.0.1" $paths -eval "$start."
else
  # shellcheck disable=SC2086
  erl -noshell -name "demo_$$@127.0.0.1" $paths \
      -eval "$start, ok = rocksdb_seed_example:run(\"$work\"), ok = application:stop(rocksdb_jnode), halt(0)."
fi
