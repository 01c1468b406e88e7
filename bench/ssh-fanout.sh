#!/usr/bin/env bash
# ssh-fanout.sh - hostname on N loopback hosts: OMServer (through the master, as a real job) against pdsh,
# parallel-ssh, clush and ansible -m raw, with OpenSSH's default KEX and with curve25519 forced for the peers.
# Prints a table of medians (bench/report.py). See bench/README.md.
#
#   sudo bench/ssh-fanout.sh                 # N = 10 100 500 1000
#   sudo COUNTS="10 100" RUNS=3 bench/ssh-fanout.sh
#
# Environment: COUNTS (10 100 500 1000), PEER_COUNTS (the N the peers run at, default COUNTS; empty: none), RUNS (3: runs per N for OMServer, and for the peers at N <= 100),
# PEER_RUNS_LARGE (1: runs per peer and KEX at N > 100; the peers take minutes there), PARALLEL (64: hosts in
# flight for every tool), FLEET_SH (/work/shared/fleet/fleet.sh), SKIP_BUILD (0), OUT (results file).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FLEET_SH=${FLEET_SH:-/work/shared/fleet/fleet.sh}
COUNTS=${COUNTS:-10 100 500 1000}
PEER_COUNTS=${PEER_COUNTS-$COUNTS}
RUNS=${RUNS:-3}
PEER_RUNS_LARGE=${PEER_RUNS_LARGE:-1}
PARALLEL=${PARALLEL:-64}
OUT=${OUT:-$HERE/target/ssh-fanout-$(date +%Y%m%d-%H%M%S).tsv}
export FLEET_STATE=${FLEET_STATE:-/tmp/ssh-fleet}
S=$FLEET_STATE
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DB=${DB:-mariadb}    # the master's catalog: mariadb (a fresh database omserver_bench on 127.0.0.1:3306, as deployed) or h2 (embedded)
# the master first runs one unmeasured job on this many extra hosts (beyond the largest N), so a measured
# cold job is what a long-running master pays for hosts it has no connection to, not its own start-up
WARMUP_HOSTS=${WARMUP_HOSTS:-16}
# cold + warm rounds on up to 1000 hosts run first until this many connections were opened, so the JIT has compiled
# the hot paths as in a master that has been up a while (C2 compiles after ~5,000 calls, and the handshake code runs
# once per connection); reported as omserver-fresh-jvm (the first round) and omserver-jit-warmup, apart from the rest
JIT_WARMUP_CONNECTIONS=${JIT_WARMUP_CONNECTIONS:-8000}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-}   # extra JVM options for the OMServer runs, e.g. -XX:StartFlightRecording=...
CG_CPU_CLIENT=/sys/fs/cgroup/cpu/sshfleet/client
CG_ACCT_CLIENT=/sys/fs/cgroup/cpuacct/sshfleet-client
CURVE="-o KexAlgorithms=curve25519-sha256"
PEER_TIMEOUT=900    # seconds: bound on any one peer run

die() { echo "ssh-fanout.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (the fleet binds sshd and uses cgroups)"
for tool in pdsh parallel-ssh clush ansible; do
    command -v "$tool" >/dev/null || die "$tool is missing: apt-get install -y pdsh pssh clustershell ansible"
done
MAXN=0; for n in $COUNTS; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 2000 ] || die "COUNTS: $n is not 1..2000"
    [ "$n" -gt "$MAXN" ] && MAXN=$n
done
for n in $PEER_COUNTS; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le "$MAXN" ] || die "PEER_COUNTS: $n is not 1..$MAXN (the largest of COUNTS)"
done
[[ "$RUNS" =~ ^[1-9]$ ]] || die "RUNS must be 1..9"
[[ "$WARMUP_HOSTS" =~ ^[0-9]+$ ]] && [ "$WARMUP_HOSTS" -le 64 ] || die "WARMUP_HOSTS must be 0..64"
[[ "$JIT_WARMUP_CONNECTIONS" =~ ^[0-9]+$ ]] && [ "$JIT_WARMUP_CONNECTIONS" -le 20000 ] || die "JIT_WARMUP_CONNECTIONS must be 0..20000"
case "$DB" in
    h2) DB_ARGS=() ;;
    mariadb)
        mariadb-admin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1 \
            || die "MariaDB does not answer on 127.0.0.1:3306 as root: start it (start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) or use DB=h2"
        mariadb --protocol=tcp -h127.0.0.1 -P3306 -uroot -e 'DROP DATABASE IF EXISTS omserver_bench; CREATE DATABASE omserver_bench CHARACTER SET utf8mb4' \
            || die "cannot create the database omserver_bench"
        DB_PID=$(pidof mariadbd || pidof mysqld) || die "cannot find the MariaDB server process (for its CPU time)"
        DB_ARGS=(--db-url "jdbc:mysql://127.0.0.1:3306/omserver_bench" --db-user root --db-password "" --db-pid "${DB_PID%% *}") ;;
    *) die "DB must be mariadb or h2" ;;
esac
[[ "$PEER_RUNS_LARGE" =~ ^[1-9]$ ]] || die "PEER_RUNS_LARGE must be 1..9"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    (cd "$ROOT" && JAVA_HOME=$JAVA_HOME MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow \
        ./mvnw -B -q -o package -pl bench -am -DskipTests) || die "build failed"
fi

"$FLEET_SH" down >/dev/null 2>&1 || true
rmdir "$CG_ACCT_CLIENT" 2>/dev/null || true
trap '"$FLEET_SH" down; rmdir "$CG_ACCT_CLIENT" 2>/dev/null || true' EXIT
# the fleet's sshd and the tools get equal CPU weight, both far above the neighbours' builds
FLEET_CPU_SPLIT=1 "$FLEET_SH" up $((MAXN + WARMUP_HOSTS))
for n in $COUNTS $((MAXN + WARMUP_HOSTS)); do "$FLEET_SH" inventory "$n" >/dev/null; done
SSHD_ACCT="$(cat "$S/cgroup.server")/cpuacct.usage"
mkdir -p "$CG_ACCT_CLIENT"
echo $$ > "$CG_CPU_CLIENT/cgroup.procs"
echo $$ > "$CG_ACCT_CLIENT/cgroup.procs"
mkdir -p "$(dirname "$OUT")"
: > "$OUT"
EXPECTED=$(hostname)

ns() { cat "$1"; }

# peer TOOL KEX N RUN MODE CMD...: runs CMD, counts hosts that answered $EXPECTED, appends a RESULT line
peer() {
    local tool=$1 kex=$2 n=$3 run=$4 mode=$5; shift 5
    local c0 s0 t0 t1 c1 s1 ok
    c0=$(ns "$CG_ACCT_CLIENT/cpuacct.usage"); s0=$(ns "$SSHD_ACCT"); t0=$(date +%s%N)
    ok=$(timeout "$PEER_TIMEOUT" "$@" 2>/dev/null | tr -d "\r" | grep -c -E "(^|: )${EXPECTED}\$" || true)
    t1=$(date +%s%N); c1=$(ns "$CG_ACCT_CLIENT/cpuacct.usage"); s1=$(ns "$SSHD_ACCT")
    printf 'RESULT\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\t\t\n' "$tool" "$kex" "$mode" "$n" "$run" \
        $(( (t1 - t0) / 1000000 )) $(( (c1 - c0) / 1000000 )) $(( (s1 - s0) / 1000000 )) "$ok" | tee -a "$OUT"
}

close_control_masters() {   # ends ansible's ControlPersist ssh masters through their sockets
    local sock
    for sock in "$S"/ansible/cp/*; do
        [ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit fleet >/dev/null 2>&1 || true
    done
}

echo "== OMServer: a master in this process tree, catalog in $DB, Thrift client; cold then warm per run" >&2
COMMA_COUNTS=$(echo $COUNTS | tr ' ' ',')
"$JAVA_HOME/bin/java" $BENCH_JAVA_OPTS -cp "$HERE/target/classes:$HERE/target/lib/*" org.omserver.bench.SshFanoutBench "${DB_ARGS[@]}" \
    --state "$S" --counts "$COMMA_COUNTS" --runs "$RUNS" --max-parallel "$PARALLEL" --pool-max $((MAXN + WARMUP_HOSTS)) --warmup-hosts "$WARMUP_HOSTS" --jit-warmup-connections "$JIT_WARMUP_CONNECTIONS" \
    | grep '^RESULT' | tee -a "$OUT"
# bounded resources: the largest N again with the default pool cap (128), one run: threads and fds follow the
# configuration, not N (hosts beyond the cap reconnect on the warm job)
"$JAVA_HOME/bin/java" $BENCH_JAVA_OPTS -cp "$HERE/target/classes:$HERE/target/lib/*" org.omserver.bench.SshFanoutBench "${DB_ARGS[@]}" \
    --state "$S" --counts "$MAXN" --runs 1 --max-parallel "$PARALLEL" --pool-max 128 --warmup-hosts "$WARMUP_HOSTS" --jit-warmup-connections "$JIT_WARMUP_CONNECTIONS" --label omserver-pool128 \
    | grep '^RESULT' | tee -a "$OUT"

for n in $PEER_COUNTS; do
    inv=$S/inv/$n
    runs=$RUNS; [ "$n" -gt 100 ] && runs=$PEER_RUNS_LARGE
    echo "== peers, N=$n, $runs run(s) per tool and KEX" >&2
    for kex in default curve25519; do
        k=""; [ "$kex" = curve25519 ] && k=$CURVE
        for (( r = 1; r <= runs; r++ )); do
            PDSH_RCMD_TYPE=ssh PDSH_SSH_ARGS_APPEND="-F $S/ssh_config $k" \
                peer pdsh "$kex" "$n" "$r" cold pdsh -f "$PARALLEL" -l sshfleet -w "^$inv/hosts.txt" hostname
            peer parallel-ssh "$kex" "$n" "$r" cold \
                parallel-ssh -h "$inv/pssh_hosts.txt" -p "$PARALLEL" -t 300 -x "-F $S/ssh_config $k" -P hostname
            CLUSTERSHELL_CFGDIR=$S/clustershell \
                peer clush "$kex" "$n" "$r" cold clush -f "$PARALLEL" -w "$(cat "$inv/nodeset.txt")" -o "-F $S/ssh_config $k" hostname
            ANSIBLE_CONFIG=$S/ansible/ansible-cp-off.cfg \
                peer ansible "$kex" "$n" "$r" cold ansible all -i "$inv/ansible_hosts.ini" -m raw -a hostname -f "$PARALLEL" --ssh-extra-args="$k"
            # the one peer that reuses connections: ansible with ControlPersist; its first job opens them
            for mode in cold warm; do
                ANSIBLE_CONFIG=$S/ansible/ansible-cp-on.cfg \
                    peer ansible-cp "$kex" "$n" "$r" "$mode" ansible all -i "$inv/ansible_hosts.ini" -m raw -a hostname -f "$PARALLEL" --ssh-extra-args="$k"
            done
            close_control_masters
        done
    done
done

echo
/usr/bin/python3 "$HERE/report.py" "$OUT"
echo "raw results: $OUT"
