#!/usr/bin/env bash
# Mutation check of the common_test suites: plants each fault listed in test/mutants/faults.txt
# (a patch, test/mutants/NAME.patch) in a scratch clone of the committed HEAD, builds, runs the
# suite (or case) that must catch it, and puts the clone back. Prints a table:
#   caught  the suite failed with the fault in place
#   MISSED  the suite passed: the tests do not guard that behaviour
#   broken  the patch did not apply, the build failed, or no test ran
# Exits 1 when a fault is missed or broken, 0 when all are caught.
#
#   bash scripts/mutate.sh                 every fault (about 1-2 minutes each)
#   bash scripts/mutate.sh NAME...         only these
#   MUTATE_DIR=/path bash scripts/mutate.sh   the scratch directory (default: a new mktemp -d);
#                                          each fault's build and ct output stays in NAME.log
# Uncommitted changes are not tested: commit first.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
list="$root/test/mutants/faults.txt"
scratch=${MUTATE_DIR:-$(mktemp -d /tmp/rocksdb_jnode_mutate.XXXXXX)}
mkdir -p "$scratch"
repo="$scratch/repo"

declare -a names suites cases
while read -r name suite case_ _; do
    [ -z "$name" ] && continue
    case "$name" in \#*) continue ;; esac
    names+=("$name"); suites+=("$suite"); cases+=("${case_:-}")
done < "$list"

declare -a pick=()
if [ $# -gt 0 ]; then
    for want in "$@"; do
        found=
        for i in "${!names[@]}"; do
            [ "${names[$i]}" = "$want" ] && pick+=("$i") && found=1
        done
        [ -z "$found" ] && { echo "mutate.sh: no fault named $want in $list" >&2; exit 2; }
    done
else
    pick=("${!names[@]}")
fi

head=$(git -C "$root" rev-parse HEAD)
if [ ! -d "$repo/.git" ]; then
    git clone -q "$root" "$repo" || { echo "mutate.sh: cannot clone $root" >&2; exit 2; }
fi
git -C "$repo" fetch -q "$root" "$head" && git -C "$repo" checkout -q --detach "$head" \
    || { echo "mutate.sh: cannot check out $head" >&2; exit 2; }
echo "mutate.sh: HEAD $head in $repo; logs in $scratch"

restore() {
    git -C "$repo" checkout -q -- . && git -C "$repo" clean -fdq
}

declare -a results=()
for i in "${pick[@]}"; do
    name=${names[$i]}; suite=${suites[$i]}; case_=${cases[$i]}
    log="$scratch/$name.log"
    restore
    start=$(date +%s)
    ctargs=(--suite "test/$suite")
    case "$case_" in
        "") ;;
        *:*) ctargs+=(--group "${case_%%:*}" --case "${case_#*:}") ;;  # a case in a group with its own init
        *) ctargs+=(--case "$case_") ;;
    esac
    if ! git -C "$repo" apply "$root/test/mutants/$name.patch" >"$log" 2>&1; then
        result=broken; why="patch does not apply"
    elif ! (cd "$repo" && bash scripts/build.sh) >>"$log" 2>&1; then
        result=broken; why="build failed"
    else
        (cd "$repo" && rebar3 ct "${ctargs[@]}") >>"$log" 2>&1
        rc=$?
        # rebar3 ct: "Failed N tests. Passed M tests." and "Skipped N (User, Auto) tests";
        # a case auto-skipped because its init failed counts as failed, a user skip does not.
        if grep -Eq "Failed [1-9][0-9]* tests|Skipped [0-9]+ \([0-9]+, [1-9][0-9]*\)" "$log"; then
            result=caught; why="ct exit $rc"
        elif [ "$rc" -eq 0 ] && grep -Eq "All [1-9][0-9]* tests passed" "$log"; then
            result=MISSED; why="$(grep -Eo 'All [0-9]+ tests passed' "$log" | tail -n 1)"
        else
            result=broken; why="ct exit $rc, no test failed (see log)"
        fi
    fi
    secs=$(( $(date +%s) - start ))
    line=$(printf '%-34s %-16s %-42s %-7s %4ss  %s' "$name" "$suite" "${case_:-(all)}" "$result" "$secs" "$why")
    echo "$line"
    results+=("$line")
done
restore

echo
printf '%-34s %-16s %-42s %-7s %5s  %s\n' FAULT SUITE CASE RESULT TIME DETAIL
printf '%s\n' "${results[@]}"
caught=$(printf '%s\n' "${results[@]}" | awk '$4 == "caught"' | wc -l)
echo "$caught of ${#results[@]} faults caught"
[ "$caught" -eq "${#results[@]}" ]
