#!/usr/bin/python3
"""Prints the ssh-fanout table (medians) from the RESULT lines ssh-fanout.sh collected.

RESULT line fields (tab-separated): RESULT tool kex mode n run wall_ms client_cpu_ms sshd_cpu_ms ok
threads fds heap_mib db_cpu_ms jit_ms (the last five only for omserver; db_cpu_ms only when its catalog is in a
database server, whose CPU is then not part of client CPU; jit_ms is the JIT compilers' time inside the job's window,
part of client CPU).

floor = the fleet's sshd CPU for the run / CPU cores: the time the hosts' own work takes when every core does
nothing else. "best peer" is the fastest peer at the same N (cold: cold runs; warm: any peer's run, since a peer
without connection reuse pays a cold run every time), with curve25519 forced and with OpenSSH's default KEX.
"""
import os
import statistics
import sys
from collections import defaultdict


def main(path):
    rows = defaultdict(list)
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 10 or f[0] != "RESULT":
            continue
        key = (int(f[4]), f[1], f[2], f[3])  # n, tool, kex, mode
        extra = [int(x) if x else None for x in (f[10:15] + [""] * 5)[:5]]
        rows[key].append([int(f[6]), int(f[7]), int(f[8]), int(f[9])] + extra)
    if not rows:
        sys.exit(f"no RESULT lines in {path}")
    cores = os.cpu_count()

    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else None

    summary = {}
    for key, runs in rows.items():
        summary[key] = [med([r[i] for r in runs]) for i in range(9)] + [len(runs)]

    def best_peer(n, kex, mode):
        walls = [s[0] for (kn, tool, k, m), s in summary.items()
                 if kn == n and not tool.startswith("omserver") and k == kex and (mode == "warm" or m == "cold")]
        return min(walls) if walls else None

    print(f"{'N':>5} {'tool':<12} {'KEX':<10} {'mode':<4} {'runs':>4} {'wall s':>7} {'client CPU s':>12} {'sshd CPU s':>10} "
          f"{'floor s':>7} {'wall/floor':>10} {'/best curve':>11} {'/best default':>13} {'ok':>9} {'threads':>7} {'fds':>5} {'heap MiB':>8} {'db CPU s':>8} {'JIT s':>5}")
    order = {"omserver": 0, "omserver-fresh-jvm": 0.1, "omserver-jit-warmup": 0.2, "omserver-pool128-fresh-jvm": 0.6, "omserver-pool128-jit-warmup": 0.7, "omserver-pool128": 0.5, "pdsh": 1, "parallel-ssh": 2, "clush": 3, "ansible": 4, "ansible-cp": 5}
    for key in sorted(summary, key=lambda k: (k[0], order.get(k[1], 9), k[2], k[3])):
        n, tool, kex, mode = key
        wall, client, sshd, ok, threads, fds, heap, db, jit, count = summary[key]
        floor = sshd / cores if sshd else None
        curve = best_peer(n, "curve25519", mode)
        default = best_peer(n, "default", mode)
        fmt = lambda v, p=2: "-" if v is None else f"{v:.{p}f}"
        print(f"{n:>5} {tool:<12} {kex:<10} {mode:<4} {count:>4} {wall / 1000:>7.2f} {client / 1000:>12.2f} {sshd / 1000:>10.2f} "
              f"{fmt(floor / 1000 if floor else None):>7} {fmt(wall / floor if floor else None):>10} "
              f"{fmt(wall / curve if curve else None, 3):>11} {fmt(wall / default if default else None, 3):>13} "
              f"{f'{int(ok)}/{n}':>9} {fmt(threads, 0):>7} {fmt(fds, 0):>5} {fmt(heap, 0):>8} {fmt(db / 1000 if db is not None else None):>8} {fmt(jit / 1000 if jit is not None else None):>5}")
    print(f"\nmedians; cores={cores}; floor = sshd CPU / cores; /best = wall / the fastest peer's wall at that N and KEX "
          f"(below 1: faster than every peer); ok = hosts that answered their host name")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULTS.tsv")
    main(sys.argv[1])
