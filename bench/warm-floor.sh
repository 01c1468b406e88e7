#!/usr/bin/env bash
# warm-floor.sh - the hosts' CPU per command on an already open connection, by how the command is run and stopped.
# This is what bounds a warm job from below (bench/README.md, "Why warm is not 10x the best peer"): one fleet host,
# one multiplexed OpenSSH connection (ControlMaster, curve25519), N commands in a row, the fleet's sshd cgroup CPU
# divided by N.
#
#   sudo bench/warm-floor.sh            # N=300
#   sudo N=1000 bench/warm-floor.sh
#
# Rows: a bare `hostname` (what a session costs when the server honours the SSH "signal" request, so no stop wrapper
# is needed), `set -- argv` + the stop wrapper (SshExecutor.WRAPPER, what OMServer ran before its persistent shell and
# still runs for sudo), a bare persistent shell with an end marker (the lower bound of that design), and the executor's
# own persistent shell: ShellSession.BOOTSTRAP read from its source with the script ShellSession.script writes, then
# the two choices it was measured against (a read-loop relay; each command a background job + wait). Only 127.0.1.1 is
# contacted; the loops are bounded by N (1..5000).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
FLEET_SH=${FLEET_SH:-/work/shared/fleet/fleet.sh}
N=${N:-300}
export FLEET_STATE=${FLEET_STATE:-/tmp/ssh-fleet}
S=$FLEET_STATE
die() { echo "warm-floor.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (the fleet binds sshd and uses cgroups)"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 5000 ] || die "N must be 1..5000"
command -v bc >/dev/null || die "bc is missing: apt-get install -y bc"

# the wrapper exactly as the executor sends it (between the WRAPPER = String.join lines of SshExecutor.java)
JAVA_SRC="$HERE/../executors/ssh/src/main/java/org/omserver/executor/ssh/SshExecutor.java"
WRAPPER=$(python3 - "$JAVA_SRC" <<'EOF'
import re, sys
src = open(sys.argv[1]).read()
block = src[src.index('static final String WRAPPER = String.join("\\n",'):]
block = block[:block.index(');')]
parts = re.findall(r'^\s*"((?:[^"\\]|\\.)*)"', block, re.M)
print("\n".join(bytes(p, "utf-8").decode("unicode_escape") for p in parts))
EOF
) || die "cannot read the wrapper from $JAVA_SRC"
# the shell session's bootstrap, the concatenated literals of ShellSession.BOOTSTRAP
SHELL_SRC="$HERE/../executors/ssh/src/main/java/org/omserver/executor/ssh/internal/ShellSession.java"
BOOTSTRAP=$(python3 - "$SHELL_SRC" <<'EOF'
import re, sys
src = open(sys.argv[1]).read()
block = src[src.index('static final String BOOTSTRAP ='):]
block = block[:block.index(';\n')]
print("".join(bytes(p, "utf-8").decode("unicode_escape") for p in re.findall(r'"((?:[^"\\]|\\.)*)"', block)))
EOF
) || die "cannot read the bootstrap from $SHELL_SRC"
# the relay of the first version of the shell: a read loop, which reads a byte per system call
READ_BOOTSTRAP="{ trap '' TERM; while IFS= read -r l; do printf '%s\\n' \"\$l\"; done; kill -s TERM -- -\$\$; sleep 5; kill -s KILL -- -\$\$; } 2>/dev/null | sh"
# one command as ShellSession.script writes it for an external command, for nonce $1 (keep the two in step)
script() {
    local n="OMS$1"
    cat <<EOS
set -- 'hostname'
printf '%s\n' $n-S; printf '%s\n' $n-S >&2
"\$@" </dev/null
printf '\n%s %s\n' $n-E "\$?"; printf '\n%s\n' $n-E >&2
EOS
}
# the first version's script: every command a background job of the shell, then wait (a fork, never a vfork)
background_script() {
    local n="OMS$1"
    cat <<EOS
set -- 'hostname'
printf '%s\n' $n-S; printf '%s\n' $n-S >&2
"\$@" </dev/null &
wait "\$!" 2>/dev/null
printf '\n%s %s\n' $n-E "\$?"; printf '\n%s\n' $n-E >&2
EOS
}

"$FLEET_SH" down >/dev/null 2>&1 || true
CP=$(mktemp -u /tmp/warm-floor.XXXXXX)
trap 'ssh -F "$S/ssh_config" -o ControlPath="$CP" -O exit 127.0.1.1 >/dev/null 2>&1; "$FLEET_SH" down >/dev/null' EXIT
"$FLEET_SH" up 1 >/dev/null || die "fleet.sh up failed"
ACCT="$(cat "$S/cgroup.server")/cpuacct.usage"
ssh -F "$S/ssh_config" -o ControlMaster=yes -o ControlPath="$CP" -o ControlPersist=120 -o KexAlgorithms=curve25519-sha256 127.0.1.1 true \
    || die "cannot open the multiplexed connection"
mux() { ssh -F "$S/ssh_config" -o ControlPath="$CP" 127.0.1.1 "$@"; }
report() { printf '%-44s %5.2f ms of host CPU per command\n' "$1" "$(echo "($3 - $2) / $N / 1000000" | bc -l)"; }

[ "$(mux hostname)" = "$(hostname)" ] || die "the fleet host did not answer its host name"
a=$(cat "$ACCT"); for ((i = 0; i < N; i++)); do mux hostname >/dev/null; done; b=$(cat "$ACCT")
report "session per command, bare hostname" "$a" "$b"
a=$(cat "$ACCT"); for ((i = 0; i < N; i++)); do mux "set -- 'hostname'
$WRAPPER" >/dev/null; done; b=$(cat "$ACCT")
report "session per command, set -- + stop wrapper" "$a" "$b"
a=$(cat "$ACCT")
ends=$(for ((i = 0; i < N; i++)); do echo "hostname </dev/null; echo \"END \$?\""; done | mux sh | grep -c '^END 0$')
b=$(cat "$ACCT")
[ "$ends" = "$N" ] || die "the persistent shell ran $ends of $N commands"
report "one bare shell, a child per command" "$a" "$b"
shell_row() { # label relay script-function
    local a b ends
    a=$(cat "$ACCT")
    # stdin stays open until the last command is surely done: its end is the relay's signal to stop what runs
    ends=$( { for ((i = 0; i < N; i++)); do "$3" "$(printf '%032x' "$i")"; done; sleep $((N / 100 + 2)); } \
        | mux "$2" 2>/dev/null | grep -c '^OMS[0-9a-f]*-E 0$')
    b=$(cat "$ACCT")
    [ "$ends" = "$N" ] || die "$1: ran $ends of $N commands"
    report "$1" "$a" "$b"
}
shell_row "executor's shell (cat relay, markers)" "$BOOTSTRAP" script
shell_row "  the same with a read-loop relay" "$READ_BOOTSTRAP" script
shell_row "  the same with background jobs + wait" "$BOOTSTRAP" background_script
