#!/usr/bin/env bash
# Checks that a CSV written by bench/suite.sh has the machine's description and every expected
# row (part,figure,path), each with a median or marked "not available" (scripts/test.sh runs it
# on the smoke run, so the suite cannot rot). Prints "bench: N rows checked"; exit 1 otherwise.
# Usage: bash bench/check_csv.sh FILE
set -euo pipefail
csv=$1
expected="
1,get_median,floor 1,get_median,client 1,get_median,bare 1,get_p99,floor 1,get_p99,client 1,get_p99,bare
1,put_median,floor 1,put_median,client 1,put_median,bare 1,put_p99,floor 1,put_p99,client 1,put_p99,bare
3,write_batch_1000,client 3,write_batch_1000,java 3,fold,client 3,fold,java
4,backup_full,node 4,backup_full,node_parallel 4,backup_full,node_parallel_nosync 4,backup_full,java 4,backup_full,cp
4,backup_incremental_5pct,node 4,backup_incremental_5pct,java 4,backup_unchanged,node 4,backup_unchanged,java 4,verify,node
4,verify_checksum,node 4,verify_checksum,cat 4,restore,node 4,restore,java
5,start_to_first_call,bare_node 5,start_to_first_call,ensure_all_started 5,rss_idle,bare_node
5,rss_few_dbs,bare_node 5,rss_many_dbs,bare_node 5,open_db_each,bare_node
6,get_median,idle 6,get_median,during_backups 6,get_p99,idle 6,get_p99,during_backups
6,gets_during_backups,during_backups 6,parallel_backups_wall,node"
for op in get put; do
  for n in 1 16 64; do
    for p in floor client bare; do expected+=" 2,${op}_throughput,$p,$n"; done
  done
done
for g in one_caller_get_median one_caller_get_p99 one_caller_put_median one_caller_put_p99 \
         callers_16_get callers_16_put callers_64_vs_16_get group_commit_16_puts write_batch_vs_java fold_vs_java_scan \
         backup_restore_vs_rocksdbjni unchanged_incremental_ms verify_checksum_vs_read \
         full_backup_vs_cp_sync full_backup_nosync_vs_cp_sync get_p99_during_backups node_start_ms; do
  expected+=" goal,$g"
done
fail=0
for k in cores ram otp java rocksdbjni date host command; do
  grep -q "^# $k: ." "$csv" || { echo "bench: $csv lacks the machine's $k" >&2; fail=1; }
done
n=0
for e in $expected; do
  IFS=, read -r part fig path param <<<"$e"
  # part,figure,path,param,unit,median,min,max,rounds,note
  row=$(awk -F, -v a="$part" -v b="$fig" -v c="${path:-}" -v d="${param:-}" \
        '$1 == a && $2 == b && (a == "goal" || $3 == c) && (d == "" || $4 == d)' "$csv" | head -n 1)
  if [ -z "$row" ]; then
    echo "bench: no row $e in $csv" >&2; fail=1
  elif ! awk -F, '$6 != "" || $0 ~ /not available|not measured/ {ok = 1} END {exit !ok}' <<<"$row"; then
    echo "bench: row $e has no figure: $row" >&2; fail=1
  else
    n=$((n + 1))
  fi
done
[ "$fail" = 0 ] || exit 1
echo "bench: $n rows checked"
