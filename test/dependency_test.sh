#!/usr/bin/env bash
# rocksdb_jnode as a dependency, as a new user meets it (README, "As a dependency"):
# 1. the compile hook (scripts/build_jar.sh) returns at once, without Maven, when the jar is up to
#    date; rebuilds when a source is newer; and fails naming Maven, or the JDK, when it is missing;
# 2. a throwaway rebar3 application depends on a file:// clone of this repository's committed HEAD
#    with the README's dependency lines (rocksdb_jnode, and the facade by git_subdir), compiles
#    (which builds the jar, with only Linux x86_64 natives, into the dependency's priv/), starts
#    with the application's own JVM (ensure_all_started), makes a backup, restores it and reads
#    it back, and leaves no JVM after halt();
# 3. the same from a release of it (`rebar3 release`, `bin/myapp daemon`, `eval`, `stop`).
# Prints "dependency: N checks passed" last. Cleans up its temp directory and the processes it
# started, by pid.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
checks=0
pids_file="$tmp/pids"
touch "$pids_file"
cleanup() {
  # The JVMs and release node this test started, recorded by pid.
  for f in "$tmp"/work*/jvm.pid "$pids_file"; do
    [ -f "$f" ] || continue
    for p in $(cat "$f"); do kill -9 "$p" 2>/dev/null || true; done
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${DEPENDENCY_TEST_KEEP:-}" ] && trap - EXIT
pass() { checks=$((checks + 1)); echo "dependency: ok: $*"; }
die() { echo "dependency: FAILED: $*" >&2; exit 1; }

# The committed HEAD, served as branch main of a bare repository at a file:// URL.
git clone -q --bare "$root" "$tmp/rocksdb_jnode.git"
git -C "$tmp/rocksdb_jnode.git" update-ref refs/heads/main "$(git -C "$root" rev-parse HEAD)"
url="file://$tmp/rocksdb_jnode.git"

## 1. The hook, in a plain clone (no priv/ jar yet), with a PATH lacking tools.
git clone -q "$url" "$tmp/hook"
bin="$tmp/bin-nomvn"
mkdir -p "$bin"
for t in dirname find head cat; do ln -s "$(command -v $t)" "$bin/$t"; done
if out=$(cd "$tmp/hook" && PATH="$bin" /bin/sh scripts/build_jar.sh 2>&1); then
  die "the hook succeeded without mvn: $out"
fi
grep -q "Maven (mvn) is not on PATH" <<<"$out" || die "no mention of Maven in: $out"
pass "without mvn on PATH the hook fails: $out"
ln -s "$(command -v mvn)" "$bin/mvn"
if out=$(cd "$tmp/hook" && PATH="$bin" /bin/sh scripts/build_jar.sh 2>&1); then
  die "the hook succeeded without a JDK: $out"
fi
grep -q "no JDK on PATH" <<<"$out" || die "no mention of the JDK in: $out"
pass "without java on PATH the hook fails: $out"
rm "$bin/mvn"
mkdir -p "$tmp/hook/priv"
echo stale >"$tmp/hook/priv/rocksdb-jnode.jar"
touch -d '1 hour ago' "$tmp/hook/priv/rocksdb-jnode.jar"
(cd "$tmp/hook" && PATH="$bin" /bin/sh scripts/build_jar.sh >/dev/null 2>&1) &&
  die "the hook kept a jar older than its sources"
pass "a jar older than its sources is rebuilt (Maven wanted)"
touch "$tmp/hook/priv/rocksdb-jnode.jar"
(cd "$tmp/hook" && PATH="$bin" /bin/sh scripts/build_jar.sh) ||
  die "the hook wanted tools although the jar is up to date"
pass "an up-to-date jar needs no tools"

## 2. A throwaway application depending on it.
app="$tmp/myapp"
mkdir -p "$app/src" "$app/config"
cookie="dep_$$_$RANDOM"
cat >"$app/rebar.config" <<EOF
{deps, [
  {rocksdb_jnode, {git, "$url", {branch, "main"}}},
  {rocksdb_compat, {git_subdir, "$url", {branch, "main"}, "erlang_client/rocksdb_compat"}}
]}.
{relx, [{release, {myapp, "0.1.0"}, [myapp]},
        {dev_mode, false},
        {include_erts, false},
        {extended_start_script, true},
        {vm_args, "config/vm.args"}]}.
EOF
cat >"$app/config/vm.args" <<EOF
-name myapp_rel_$$@127.0.0.1
-setcookie $cookie
EOF
cat >"$app/src/myapp.app.src" <<'EOF'
{application, myapp,
 [{vsn, "0.1.0"}, {applications, [kernel, stdlib, rocksdb_jnode, rocksdb_compat]}, {env, []}]}.
EOF
cat >"$app/src/myapp_check.erl" <<'EOF'
-module(myapp_check).
-export([run/1]).

%% With the application's own JVM (no `node' set: starting rocksdb_jnode starts it, the jar
%% from this application's priv/), backs a DB up through the `rocksdb' facade, restores the
%% backup and reads it back. Dir must not exist yet. Returns the jar and the JVM's node name.
run(Dir) ->
    ok = file:make_dir(Dir),
    Jar = filename:join(code:priv_dir(rocksdb_jnode), "rocksdb-jnode.jar"),
    true = filelib:is_regular(Jar),
    {ok, _} = application:ensure_all_started(rocksdb_compat),
    Node = rocksdb_jnode_jvm:managed_node(),
    true = is_atom(Node) andalso Node =/= undefined,
    [DbDir, BackupDir, Restored] = [filename:join(Dir, D) || D <- ["db", "backup", "restored"]],
    {ok, Db} = rocksdb:open(DbDir, [{create_if_missing, true}]),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
    {ok, Engine} = rocksdb:open_backup_engine(BackupDir),
    ok = rocksdb:create_new_backup(Engine, Db),
    {ok, [#{id := 1}]} = rocksdb:get_backup_info(Engine),
    ok = rocksdb:verify_backup(Engine, 1),
    ok = rocksdb:close(Db),
    ok = rocksdb:restore_db_from_backup(Engine, 1, Restored),
    ok = rocksdb:close_backup_engine(Engine),
    {ok, Db2} = rocksdb:open(Restored, []),
    {ok, <<"v">>} = rocksdb:get(Db2, <<"k">>, []),
    ok = rocksdb:close(Db2),
    {restored, Jar, Node}.
EOF
cd "$app"
unset ROCKSDB_JNODE_JAR
rebar3 compile >"$tmp/compile.log" 2>&1 || { cat "$tmp/compile.log"; die "rebar3 compile of the consumer"; }
dep_jar="$app/_build/default/lib/rocksdb_jnode/priv/rocksdb-jnode.jar"
[ -f "$dep_jar" ] || die "no jar in the dependency's priv/ after compile"
pass "the consumer compiles; the hook built $(du -h "$dep_jar" | cut -f1) into the dependency's priv/"
natives=$(jar tf "$dep_jar" | grep -E 'librocksdbjni|jnidispatch' | sort | tr '\n' ' ')
[ "$natives" = "com/sun/jna/linux-x86-64/libjnidispatch.so librocksdbjni-linux64.so " ] ||
  die "the jar's natives are not Linux x86_64's only: $natives"
pass "the jar carries only Linux x86_64 natives: $natives"
[ ! -e "$app/_build/default/lib/rocksdb_compat/pom.xml" ] || die "git_subdir checked out more than the facade"
# rebar3 3.19 keeps a git_subdir dependency's path inside its checkout (and `rebar3 path` omits
# it); rebar3 release finds it.
compat_ebin="$app/_build/default/lib/rocksdb_compat/erlang_client/rocksdb_compat/ebin"
[ -f "$compat_ebin/rocksdb.beam" ] || die "the facade was not compiled"

out=$(erl -noshell -name "myapp_$$@127.0.0.1" -setcookie "$cookie" -pa "$app"/_build/default/lib/*/ebin "$compat_ebin" \
          -eval "R = myapp_check:run(\"$tmp/work1\"), io:format(\"~p~n\", [R]), halt()." 2>&1) ||
  die "the consumer's check: $out"
grep -q "{restored,\"$dep_jar\"," <<<"$out" || die "the consumer's check: $out"
pass "the consumer's own JVM (ensure_all_started) backs up, restores and reads back, jar from its priv/"
jvm_node=$(grep -o "'[^']*@127.0.0.1'" <<<"$out" | tr -d "'" | tail -n 1)
[ -n "$jvm_node" ] || die "no JVM node name in: $out"
for _ in $(seq 50); do pgrep -f -- "--name $jvm_node" >/dev/null || break; sleep 0.1; done
! pgrep -f -- "--name $jvm_node" >/dev/null || die "the JVM of $jvm_node outlived its BEAM's halt()"
pass "no JVM left after the consumer's halt()"

## 3. As a release.
rebar3 release >"$tmp/release.log" 2>&1 || { cat "$tmp/release.log"; die "rebar3 release"; }
rel="$app/_build/default/rel/myapp"
rel_jar=$(ls "$rel"/lib/rocksdb_jnode-*/priv/rocksdb-jnode.jar) || die "no jar in the release"
pass "the release carries the jar ($(du -sh "$rel" | cut -f1) release, $(du -h "$rel_jar" | cut -f1) jar)"
"$rel/bin/myapp" daemon
for _ in $(seq 50); do "$rel/bin/myapp" ping >/dev/null 2>&1 && break; sleep 0.2; done
rel_pid=$("$rel/bin/myapp" pid)
echo "$rel_pid" >>"$pids_file"
# The boot starts rocksdb_jnode, whose start waits for its JVM: wait for the boot to end.
for _ in $(seq 150); do
  [ "$("$rel/bin/myapp" eval 'lists:keymember(myapp, 1, application:which_applications()).' 2>/dev/null)" = true ] && break
  sleep 0.2
done
rel_log() { tail -n 40 "$rel"/log/erlang.log.* 2>/dev/null; }
out=$("$rel/bin/myapp" eval "myapp_check:run(\"$tmp/work2\")." 2>&1) ||
  die "the release's check: $out
$(rel_log)"
tr -d ' \n' <<<"$out" | grep -qF "{restored,\"$rel_jar\"," || die "the release's check: $out"
pass "the release's own JVM backs up, restores and reads back"
jvm_node=$(grep -o "'[^']*@127.0.0.1'" <<<"$out" | tr -d "'" | tail -n 1)
jvm_pid=$(pgrep -f -- "--name $jvm_node" | head -n 1) || die "no JVM process for $jvm_node"
echo "$jvm_pid" >>"$pids_file"
"$rel/bin/myapp" stop >/dev/null
for _ in $(seq 50); do kill -0 "$rel_pid" 2>/dev/null || kill -0 "$jvm_pid" 2>/dev/null || break; sleep 0.2; done
! kill -0 "$rel_pid" 2>/dev/null || die "the release's node (pid $rel_pid) still runs after stop"
! kill -0 "$jvm_pid" 2>/dev/null || die "the release's JVM (pid $jvm_pid) still runs after stop"
pass "the release stops, and its JVM with it"

echo "dependency: $checks checks passed"
