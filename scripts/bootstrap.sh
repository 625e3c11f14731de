#!/usr/bin/env bash
# Installs what building and testing rocksdb_jnode needs on a Debian machine, and nothing that is
# already there: Erlang/OTP with jinterface, common_test, eunit, dialyzer, PropEr (erlang-proper,
# and erlang-proper-dev for proper.hrl) and rebar3 from Debian's packages, a JDK and Maven, procps
# (ps, used by the tests), and the local OTP's OtpErlang.jar in the local Maven repository as
# org.erlang.otp:jinterface:<its version>. Prints that version on its last line.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in erlang-nox erlang-dev erlang-jinterface erlang-common-test erlang-eunit erlang-dialyzer erlang-proper erlang-proper-dev rebar3 maven openjdk-17-jdk-headless procps; do
  have_pkg "$p" || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

jdir=$(erl -noshell -eval 'io:format("~s",[code:lib_dir(jinterface)]),halt().')
jver=${jdir##*/jinterface-}
jar="$jdir/priv/OtpErlang.jar"
[ -f "$jar" ] || { echo "bootstrap: no OtpErlang.jar at $jar" >&2; exit 1; }
m2="${HOME}/.m2/repository/org/erlang/otp/jinterface/$jver/jinterface-$jver.jar"
if ! cmp -s "$jar" "$m2" 2>/dev/null; then
  echo "bootstrap: installing $jar into the local Maven repository as org.erlang.otp:jinterface:$jver" >&2
  mvn -q install:install-file -Dfile="$jar" -DgroupId=org.erlang.otp -DartifactId=jinterface \
      -Dversion="$jver" -Dpackaging=jar >&2
fi
# epmd must run before a Java node can register its name.
epmd -daemon
echo "$jver"
