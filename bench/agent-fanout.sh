#!/usr/bin/env bash
# agent-fanout.sh - module 2002 (the agent's `version`) through the master, as a real job, on N native agents hosted
# by one JVM, each on its own loopback address in 127.100.0.0/16 and enrolled with a one-time token. Prints a table
# of RESULT lines and keeps them in a TSV. See bench/README.md.
#
#   bench/agent-fanout.sh                           # N = 100 1000
#   COUNTS="100 1000 10000" AGENTS_XMX=8g bench/agent-fanout.sh
#
# Environment: COUNTS (100 1000), RUNS (3 warm jobs per N after the cold one), MAX_PARALLEL (1024: run.max-parallel
# and executor.agent.max-concurrent), AGENTS_XMX (4g), MASTER_XMX (2g), SKIP_BUILD (0), OUT (results file),
# JFR (1: record the master's JVM with Flight Recorder into target/agent-fanout-*.jfr).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
COUNTS=${COUNTS:-100 1000}
RUNS=${RUNS:-3}
MAX_PARALLEL=${MAX_PARALLEL:-1024}
AGENTS_XMX=${AGENTS_XMX:-4g}
MASTER_XMX=${MASTER_XMX:-2g}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-$HERE/target/agent-fanout-$STAMP.tsv}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

die() { echo "agent-fanout.sh: $*" >&2; exit 1; }
MAXN=0; for n in $COUNTS; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 10000 ] || die "COUNTS: $n is not 1..10000"
    [ "$n" -gt "$MAXN" ] && MAXN=$n
done
[[ "$RUNS" =~ ^[1-9]$ ]] || die "RUNS must be 1..9"
[[ "$MAX_PARALLEL" =~ ^[0-9]+$ ]] || die "MAX_PARALLEL must be a number"
# every agent holds a listening socket and the master's pooled connection (both ends live on this machine):
# about 3 descriptors per agent in the agents' JVM, 1-2 in the master's
NEED_FDS=$(( MAXN * 3 + 4096 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$NEED_FDS" ]; then
    ulimit -n "$NEED_FDS" 2>/dev/null || die "ulimit -n is $(ulimit -n); $NEED_FDS descriptors are needed for $MAXN agents (raise the hard limit)"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    (cd "$ROOT" && JAVA_HOME=$JAVA_HOME MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow \
        ./mvnw -B -q -o package -pl bench -am -DskipTests) || die "build failed"
fi

STATE=$(mktemp -d /tmp/agent-fanout.XXXXXX)
trap 'rm -rf "$STATE"' EXIT
mkdir -p "$(dirname "$OUT")"
JFR_OPT=()
if [ "${JFR:-0}" = 1 ]; then
    JFR_OPT=("-XX:StartFlightRecording=filename=$HERE/target/agent-fanout-$STAMP.jfr,settings=profile")
fi
echo "load before: $(uptime)" >&2
COMMA_COUNTS=$(echo $COUNTS | tr ' ' ',')
"$JAVA_HOME/bin/java" -Xmx"$MASTER_XMX" "${JFR_OPT[@]}" -cp "$HERE/target/classes:$HERE/target/lib/*" org.omserver.bench.AgentFanoutBench \
    --counts "$COMMA_COUNTS" --runs "$RUNS" --state "$STATE" --agents-xmx "$AGENTS_XMX" --max-parallel "$MAX_PARALLEL" \
    | grep '^RESULT' | tee "$OUT"
echo "load after: $(uptime)" >&2
echo
printf '%-5s %6s %4s %8s %12s %9s %8s %6s %9s %13s %11s %13s %8s\n' mode N run "wall ms" "master CPU ms" ok threads fds "heap MiB" "heap GC MiB" "agents MiB" "agents GC MiB" "agents thr"
awk -F'\t' '{ printf "%-5s %6d %4d %8d %12d %9s %8d %6d %9d %13d %11d %13d %8d\n", $2, $3, $4, $5, $6, $7 "/" $3, $8, $9, $10, $11, $12, $13, $14 }' "$OUT"
echo "raw results: $OUT"
