#!/usr/bin/env bash
# The benchmark suite of issue 9: every figure next to its floor, rounds interleaved, printed as
# a table and written as CSV with the machine's description (bench/README.md, "The suite").
#
# Usage: bash bench/suite.sh [--smoke] [key=value ...]
#   rounds=3        rounds of every part (interleaved: floor and paths one after the other)
#   calls=2000      timed calls per path per round (parts 1 and 6)
#   secs=2          seconds per throughput case (part 2: get and put, 1/16/64 callers, 3 paths)
#   batch_reps=20   write/3 batches of 1,000 puts per round (part 3)
#   db_mb=1024      size of the DB backed up in part 4 (1 KiB random values, flushed)
#   par_ops=4       max_background_operations of the part-4 engines set against cp -r + sync
#   par_dbs=100     DBs backed up in parallel in part 6, each of par_db_mb=10 MiB
#   open_few=100    open DBs for the resident memory figures of part 5, and open_many=1000
#   parts=1,2,3,4,5,6
#   csv=FILE        default bench/results/<UTC date>-<host>.csv
#   fold_args=...   passed to bench/fold.sh (part 3), when that file exists
# --smoke: tiny sizes and one round (scripts/test.sh runs it; its figures mean nothing).
# SUITE_NO_BUILD=1 skips scripts/build.sh; BENCH_DIR=dir puts the work directory there (part 4
# needs about 6 x db_mb of disk) instead of a fresh one in /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
cmdline="bash bench/suite.sh $*"
declare -A cfg=([rounds]=3 [calls]=2000 [secs]=2 [batch_reps]=20 [db_mb]=1024 [par_ops]=4 [par_dbs]=100
                [par_db_mb]=10 [open_few]=100 [open_many]=1000 [parts]=1,2,3,4,5,6)
for a in "$@"; do
  case $a in
    --smoke) cfg+=([rounds]=1 [calls]=100 [secs]=0.1 [batch_reps]=2 [db_mb]=2 [par_dbs]=4
                   [par_db_mb]=1 [open_few]=3 [open_many]=6) ;;
    *=*) cfg[${a%%=*}]=${a#*=} ;;
    *) echo "usage: bash bench/suite.sh [--smoke] [key=value ...]" >&2; exit 2 ;;
  esac
done
[ -n "${cfg[csv]:-}" ] || cfg[csv]="$repo/bench/results/$(date -u +%Y-%m-%d)-$(hostname -s).csv"
[ "${SUITE_NO_BUILD:-0}" = 1 ] || bash scripts/build.sh </dev/null
if [ -n "${BENCH_DIR:-}" ]; then
  mkdir -p "$BENCH_DIR"; work=$(mktemp -d "$BENCH_DIR/suite.XXXXXX")
else
  work=$(mktemp -d /tmp/rocksdb_jnode_suite.XXXXXX)
fi
# SUITE_KEEP=1 keeps the work directory (the node's log is node.log there).
[ "${SUITE_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "suite: work $work, load average $load (figures are only worth recording below 0.5)"
jar="$repo/priv/rocksdb-jnode.jar"
mkdir -p "$work/classes"
erlc -o "$work" bench/suite_bench.erl
javac -nowarn -cp "$jar" -d "$work/classes" bench/SuiteDirect.java
rocksdbjni=$(sed -n 's:.*<rocksdbjni.version>\(.*\)</rocksdbjni.version>.*:\1:p' pom.xml)
args=(work="$work" repo="$repo" java_cp="$jar:$work/classes" rocksdbjni="$rocksdbjni" load="$load"
      command="$cmdline")
for k in "${!cfg[@]}"; do args+=("$k=${cfg[$k]}"); done
paths=$(ls -d _build/default/lib/*/ebin | sed 's/^/-pa /' | tr '\n' ' ')
# shellcheck disable=SC2086
erl -noshell -name "suite_$$@127.0.0.1" -kernel logger_level warning $paths -pa "$work" -run suite_bench run "${args[@]}"
