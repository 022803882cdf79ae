#!/usr/bin/env python3
"""Times commands side by side: median wall time over repeated runs and peak memory.

Usage: bench.py NAME RUNS -- CMD... [--vs NAME RUNS -- CMD...]
Prints one line per command and the ratio of the first to the second.
Kept dependency-free so scripts/bench runs on a fresh machine.
"""
import os, resource, statistics, subprocess, sys, time

def measure(cmd, runs, env):
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, rusage = os.wait4(proc.pid, 0)[1:]
        elapsed = time.perf_counter() - start
        proc.returncode = 0
        times.append(elapsed)
        peak = max(peak, rusage.ru_maxrss)  # KiB on Linux
    return statistics.median(times), min(times), peak

def main(argv):
    groups, cur = [], None
    i = 0
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
        med, best, peak = measure(cmd, runs, os.environ)
        results.append((name, med, best, peak))
        print(f"  {name:<38} median {med*1000:8.1f} ms   best {best*1000:8.1f} ms   peak RSS {peak/1024:7.1f} MB")
    if len(results) == 2:
        print(f"  ratio {results[0][0]} / {results[1][0]}: {results[0][1]/results[1][1]:.2f}x (median)")
    return results

if __name__ == "__main__":
    main(sys.argv[1:])
