#!/bin/sh
# Puts the Java node's jar in priv/rocksdb-jnode.jar, building it with Maven when it is missing or
# older than its sources (pom.xml, java_node/pom.xml, java_node/src). rebar.config runs this as
# the compile pre_hook, in the repository's root: so a project that depends on rocksdb_jnode gets
# the jar in code:priv_dir(rocksdb_jnode), and this repository's own `rebar3 compile` finds it up
# to date and returns at once. Needs a JDK 17+ (java and javac), Maven, and OTP's jinterface
# (Debian: erlang-jinterface), whose OtpErlang.jar it installs into the local Maven repository as
# org.erlang.otp:jinterface:<version>. Fails, naming what is missing, when it cannot build.
# POSIX sh, not bash: rebar3 runs hooks with whatever shell the consumer has.
set -eu
cd "$(dirname "$0")/.."
jar=priv/rocksdb-jnode.jar

fail() {
  echo "rocksdb_jnode: cannot build $jar: $*" >&2
  exit 1
}

if [ -f "$jar" ] && [ -z "$(find pom.xml java_node/pom.xml java_node/src -newer "$jar" 2>/dev/null | head -n 1)" ]; then
  exit 0
fi

command -v mvn >/dev/null 2>&1 ||
  fail "Maven (mvn) is not on PATH; install Maven 3 (Debian: apt-get install maven)"
command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 ||
  fail "no JDK on PATH (java and javac); install a JDK 17+ (Debian: openjdk-17-jdk-headless)"
# `java -version` prints e.g. openjdk version "17.0.9" 2023-10-17, or "1.8.0_392" for Java 8.
jmajor=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\.*\([0-9]*\).*/\1 \2/p' | head -n 1)
case $jmajor in
  "1 "*) jmajor=${jmajor#1 } ;;
  *) jmajor=${jmajor%% *} ;;
esac
[ -n "$jmajor" ] && [ "$jmajor" -ge 17 ] 2>/dev/null ||
  fail "the JDK on PATH is Java ${jmajor:-of unknown version}; a JDK 17+ is needed (set PATH or JAVA_HOME)"

jdir=$(erl -noshell -eval 'io:format("~s", [code:lib_dir(jinterface)]), halt().' 2>/dev/null || true)
otp_jar="$jdir/priv/OtpErlang.jar"
[ -f "$otp_jar" ] ||
  fail "OTP's jinterface (priv/OtpErlang.jar) is not installed; install it (Debian: erlang-jinterface)"
jver=${jdir##*/jinterface-}
m2="${HOME}/.m2/repository/org/erlang/otp/jinterface/$jver/jinterface-$jver.jar"
if ! cmp -s "$otp_jar" "$m2"; then
  mvn -q -B install:install-file -Dfile="$otp_jar" -DgroupId=org.erlang.otp \
      -DartifactId=jinterface -Dversion="$jver" -Dpackaging=jar >&2 ||
    fail "mvn install:install-file of $otp_jar failed"
fi

echo "rocksdb_jnode: building $jar with Maven" >&2
mvn -q -B -Dstyle.color=never -Djinterface.version="$jver" -DskipTests package >&2 ||
  fail "mvn package failed (output above)"
mkdir -p priv
cp java_node/target/rocksdb-jnode.jar "$jar.tmp"
mv "$jar.tmp" "$jar"
