#!/usr/bin/env python3
"""Times a command beside its baseline: median wall time over repeated runs, peak memory,
and optionally instruction counts; prints the ratio and whether the targets are met.

Usage: bench.py [--max-ms N] [--max-ratio R] [--max-rss-mb M] [--instructions]
                [--target TEXT] NAME RUNS -- CMD... [--vs NAME RUNS -- CMD...]

The runs of the two commands alternate (A B A B ...), so load from other processes on the
machine falls on both alike. Peak memory is the "Maximum resident set size" that
`/usr/bin/time -v` reports (its `%M`), from one more run of each; without /usr/bin/time it
is the same kernel figure read with wait4. --instructions adds one run of each under
`valgrind --tool=callgrind`: instruction counts do not depend on the machine's load
(a binary whose debug info valgrind cannot read is counted through a copy without it).
With BENCH_SUMMARY=FILE each target is also appended to FILE as one line
("target<TAB>figure<TAB>baseline<TAB>ratio<TAB>met|MISSED") for the script's summary.
A command that exits non-zero stops the benchmark: a failing command is fast, and its
figure would mean nothing. Kept dependency-free so the bench scripts run on a fresh machine.
"""
import atexit, os, re, shutil, statistics, subprocess, sys, tempfile, time


def fail(name, status, err):
    sys.exit(f"bench: {name} failed (wait status {status}): {err.decode(errors='replace').strip()[-500:]}")


def run_once(name, cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, rusage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read()
    proc.stderr.close()
    if status != 0:
        fail(name, status, err)
    return elapsed, rusage.ru_maxrss  # KiB on Linux


def peak_rss_kib(name, cmd, fallback):
    if not os.access("/usr/bin/time", os.X_OK):
        return fallback
    with tempfile.NamedTemporaryFile("r") as out:
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *cmd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            fail(name, proc.returncode, proc.stderr)
        return int(out.read().split()[-1])


_stripped = {}


def countable(executable):
    """valgrind 3.19 gives up on the DWARF 5 of Swift binaries: count a copy without it."""
    path = shutil.which(executable) or executable
    if path in _stripped:
        return _stripped[path]
    probe = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True)
    copy = path
    if ".debug_info" in probe.stdout:
        fd, copy = tempfile.mkstemp(prefix="bench-nodebug-")
        os.close(fd)
        atexit.register(os.remove, copy)
        subprocess.run(["strip", "--strip-debug", "-o", copy, path], check=True)
        os.chmod(copy, 0o755)
    _stripped[path] = copy
    return copy


def instructions(name, cmd):
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
                               countable(cmd[0]), *cmd[1:]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            fail(f"{name} under callgrind", proc.returncode, proc.stderr)
        found = re.search(rb"Collected : (\d+)", proc.stderr)
        return int(found.group(1)) if found else None


def parse(argv):
    targets, flags = {}, set()
    while argv and argv[0].startswith("--") and argv[0] != "--vs":
        if argv[0] == "--instructions":
            flags.add("instructions"); argv = argv[1:]
        elif argv[0] == "--target":
            targets["text"] = argv[1]; argv = argv[2:]
        else:
            targets[argv[0]] = float(argv[1]); argv = argv[2:]
    groups, i = [], 0
    while i < len(argv):
        if argv[i] == "--vs":
            i += 1
            continue
        name, runs = argv[i], int(argv[i + 1])
        assert argv[i + 2] == "--", "NAME RUNS -- CMD..."
        j = i + 3
        cmd = []
        while j < len(argv) and argv[j] != "--vs":
            cmd.append(argv[j]); j += 1
        groups.append({"name": name, "runs": runs, "cmd": cmd, "times": [], "rss": 0})
        i = j
    return targets, flags, groups


def main(argv):
    targets, flags, groups = parse(argv)
    for g in groups:  # warm the page cache
        subprocess.run(g["cmd"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for k in range(max(g["runs"] for g in groups)):
        for g in groups:
            if k < g["runs"]:
                elapsed, rss = run_once(g["name"], g["cmd"])
                g["times"].append(elapsed)
                g["rss"] = max(g["rss"], rss)
    can_count = "instructions" in flags and shutil.which("valgrind")
    for g in groups:
        g["median"], g["best"] = statistics.median(g["times"]), min(g["times"])
        g["peak"] = peak_rss_kib(g["name"], g["cmd"], g["rss"]) / 1024
        g["instr"] = instructions(g["name"], g["cmd"]) if can_count else None
        instr = f"   {g['instr'] / 1e6:7.1f} M instructions" if g["instr"] else ""
        print(f"  {g['name']:<40} median {g['median'] * 1000:8.1f} ms   best {g['best'] * 1000:8.1f} ms"
              f"   peak RSS {g['peak']:7.1f} MB{instr}")
    first = groups[0]
    base = groups[1] if len(groups) > 1 else None
    if base:
        ratio = first["median"] / base["median"]
        line = f"  ratio {first['name']} / {base['name']}: {ratio:.2f}x (median wall time)"
        if first["instr"] and base["instr"]:
            line += f", {first['instr'] / base['instr']:.2f}x (instructions)"
        print(line)
    checks = []
    what = targets.get("text", first["name"])
    if "--max-ratio" in targets and base:
        ratio = first["median"] / base["median"]
        checks.append((f"{what}: within {targets['--max-ratio']:g}x of {base['name']}",
                       f"{first['median'] * 1000:.1f} ms", f"{base['median'] * 1000:.1f} ms", f"{ratio:.2f}x",
                       ratio <= targets["--max-ratio"]))
    if "--max-ms" in targets:
        checks.append((f"{what}: median under {targets['--max-ms']:g} ms", f"{first['median'] * 1000:.1f} ms",
                       f"{base['median'] * 1000:.1f} ms" if base else "-", "-", first["median"] * 1000 < targets["--max-ms"]))
    if "--max-rss-mb" in targets:
        checks.append((f"{what}: peak memory under {targets['--max-rss-mb']:g} MB", f"{first['peak']:.1f} MB",
                       f"{base['peak']:.1f} MB" if base else "-", f"{first['peak'] / base['peak']:.2f}x" if base else "-",
                       first["peak"] < targets["--max-rss-mb"]))
    summary = os.environ.get("BENCH_SUMMARY")
    for text, figure, baseline, ratio, met in checks:
        verdict = "met" if met else "MISSED"
        print(f"  target {text}: {figure} vs {baseline} ({ratio}) — {verdict}")
        if summary:
            with open(summary, "a") as f:
                f.write(f"{text}\t{figure}\t{baseline}\t{ratio}\t{verdict}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
