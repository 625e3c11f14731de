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

cookie=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
node="rocksdb_jnode_demo_$$@127.0.0.1"
work=$(mktemp -d /tmp/rocksdb_jnode_demo.XXXXXX)
log="$work/java_node.log"
java -jar java_node/target/rocksdb-jnode.jar --name "$node" --cookie "$cookie" >"$log" 2>&1 </dev/null &
jpid=$!
trap 'kill "$jpid" 2>/dev/null; wait "$jpid" 2>/dev/null; true' EXIT
for _ in $(seq 1 300); do
  grep -q "^rocksdb_jnode ready" "$log" && break
  kill -0 "$jpid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
grep -q "^rocksdb_jnode ready" "$log" || { echo "the Java node did not start:" >&2; cat "$log" >&2; exit 1; }
head -n 1 "$log"

paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
if [ "$mode" = "--shell" ]; then
  echo "Connected shell: the drop-in module 'rocksdb' talks to $node. Try the seed example, e.g."
  echo "  {ok, DB} = rocksdb:open(\"/tmp/erocksdb.fold.test\", [{create_if_missing, true}])."
  # shellcheck disable=SC2086
  erl -name "shell_$$@127.0.0.1" -setcookie "$cookie" $paths \
      -rocksdb_jnode node "'$node'" -eval 'application:ensure_all_started(rocksdb_compat).'
else
  # shellcheck disable=SC2086
  erl -noshell -name "demo_$$@127.0.0.1" -setcookie "$cookie" $paths \
      -rocksdb_jnode node "'$node'" \
      -eval "ok = rocksdb_seed_example:run(\"$work\"), halt(0)." || { echo "--- Java node log:" >&2; cat "$log" >&2; exit 1; }
fi
