#!/usr/bin/env bash
# browser-stream.sh - a synthetic job of N hosts streamed through the real master and gateway to the job page in
# headless Chromium; prints one row per N (BrowserStreamBench in launcher's test sources). See bench/README.md.
#
#   bench/browser-stream.sh                  # N = 1000 10000 at 2000 hosts/s
#   COUNTS="10000" RATE=5000 RUNS=3 bench/browser-stream.sh
#
# Needs what the tests need: MariaDB on 127.0.0.1:3306 (or OMSERVER_TEST_MYSQL_*), Debian chromium and chromium-driver.
# Environment: COUNTS (1000 10000), RATE (2000 hosts/s), RUNS (1 per N), PROFILE (0; 1: CPU profile of the page's
# JavaScript, by function), SKIP_BUILD (0), OUT (a copy of the output).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
COUNTS=${COUNTS:-1000 10000}
RATE=${RATE:-2000}
RUNS=${RUNS:-1}
PROFILE=${PROFILE:-0}
OUT=${OUT:-$HERE/target/browser-stream-$(date +%Y%m%d-%H%M%S).txt}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}

die() { echo "browser-stream.sh: $*" >&2; exit 1; }
for n in $COUNTS; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 10000 ] || die "COUNTS: $n is not 1..10000 (a run's target limit)"
done
[[ "$RATE" =~ ^[0-9]+$ ]] && [ "$RATE" -ge 1 ] && [ "$RATE" -le 1000000 ] || die "RATE must be 1..1000000 hosts/s"
[[ "$RUNS" =~ ^[1-9]$ ]] || die "RUNS must be 1..9"
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || die "chromium or chromedriver is missing: apt-get install -y chromium chromium-driver"

CP_FILE=$ROOT/launcher/target/bench-classpath.txt
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -s "$CP_FILE" ]; then
    # in the reactor, so sibling modules come from their target/ directories, never from ~/.m2
    (cd "$ROOT" && ./mvnw -B -q -o test-compile dependency:build-classpath -pl launcher -am \
        -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE") || die "build failed"
fi
mkdir -p "$(dirname "$OUT")"
cd "$ROOT/launcher"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" -Xmx2g -Drate="$RATE" -Druns="$RUNS" -Dprofile="$([ "$PROFILE" = 1 ] && echo true || echo false)" -Dlogback.configurationFile="$HERE/src/main/resources/logback.xml" \
    -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" org.omserver.launcher.BrowserStreamBench $COUNTS | tee "$OUT"
