#!/usr/bin/env python3
"""Times commands side by side: median wall time over repeated runs and peak memory.

Usage: bench.py [--max-ms N] [--max-ratio R] [--max-rss-mb M] NAME RUNS -- CMD... [--vs NAME RUNS -- CMD...]
Prints one line per command, the ratio of the first to the second, and whether the first
meets the targets given. A command that exits non-zero stops the benchmark: a failing
command is fast, and its figure would mean nothing.
Kept dependency-free so scripts/bench runs on a fresh machine.
"""
import os, statistics, subprocess, sys, time

def measure(name, cmd, runs, env):
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, rusage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            sys.exit(f"bench: {name} failed (wait status {status}): {proc.stderr.read().decode(errors='replace').strip()}")
        proc.stderr.close()
        times.append(elapsed)
        peak = max(peak, rusage.ru_maxrss)  # KiB on Linux
    return statistics.median(times), min(times), peak

def main(argv):
    targets = {}
    while argv and argv[0] in ("--max-ms", "--max-ratio", "--max-rss-mb"):
        targets[argv[0]] = float(argv[1])
        argv = argv[2:]
    groups, i = [], 0
    while i < len(argv):
        if argv[i] == "--vs":
            i += 1
            continue
        name, runs = argv[i], int(argv[i + 1])
        assert argv[i + 2] == "--"
        j = i + 3
        cmd = []
        while j < len(argv) and argv[j] != "--vs":
            cmd.append(argv[j]); j += 1
        groups.append((name, runs, cmd))
        i = j
    results = []
    for name, runs, cmd in groups:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ)  # warm the page cache
        med, best, peak = measure(name, cmd, runs, os.environ)
        results.append((name, med, best, peak))
        print(f"  {name:<38} median {med*1000:8.1f} ms   best {best*1000:8.1f} ms   peak RSS {peak/1024:7.1f} MB")
    ratio = results[0][1] / results[1][1] if len(results) == 2 else None
    if ratio is not None:
        print(f"  ratio {results[0][0]} / {results[1][0]}: {ratio:.2f}x (median)")
    checks = []
    if "--max-ms" in targets:
        checks.append((f"median under {targets['--max-ms']:g} ms", results[0][1] * 1000 < targets["--max-ms"]))
    if "--max-ratio" in targets and ratio is not None:
        checks.append((f"within {targets['--max-ratio']:g}x of the baseline", ratio <= targets["--max-ratio"]))
    if "--max-rss-mb" in targets:
        checks.append((f"peak RSS under {targets['--max-rss-mb']:g} MB", results[0][3] / 1024 < targets["--max-rss-mb"]))
    for text, met in checks:
        print(f"  target {text}: {'met' if met else 'MISSED'}")
    return results

if __name__ == "__main__":
    main(sys.argv[1:])
