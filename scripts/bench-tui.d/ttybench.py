#!/usr/bin/env python3
"""Drives a full-screen program in a pseudo-terminal of a fixed size and measures what
it writes. Dependency-free (pty, select), so scripts/bench-tui runs on a fresh machine.

  ttybench.py keystrokes --cols C --rows R --value TEXT [--setup KEYS]... -- CMD...
      Starts CMD, waits for its first screen, sends each --setup key (waiting for the
      output to settle after each), then types TEXT one character at a time. After each
      character it waits until that character has been echoed and the output has settled
      (polling the terminal; never a fixed sleep), counting the bytes written. Prints JSON:
      {"bytes": N, "keys": K, "per_key": N/K, "max": largest single keystroke}.

  ttybench.py firstframe --cols C --rows R --runs N --marker TEXT... [--then KEYS --expect TEXT]
                        [--quit KEYS] -- CMD...
      Starts CMD N times; for each, the time from fork to the moment every marker has
      appeared in its output (the first complete frame); then presses --then until
      --expect shows (so everything the program loads is loaded), sends --quit and reaps
      it for its peak RSS. Prints JSON: {"median_ms", "best_ms", "peak_rss_mb", "times_ms"}.

Keys are written as text with the escapes \\r (Enter), \\t (Tab), \\x15 (Ctrl-U), \\x1b (Esc).
"""
import json, os, pty, select, statistics, struct, sys, termios, fcntl, time

SETTLE_S = 0.05      # the output counts as settled after this long without a byte
DEADLINE_S = 20.0    # any single wait gives up (and fails the run) after this


def spawn(cmd, cols, rows, env):
    pid, fd = pty.fork()
    if pid == 0:
        # Child: size the terminal before the program can ask for it, then run it.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        try:
            os.execvpe(cmd[0], cmd, env)
        finally:
            os._exit(127)
    return pid, fd


def read_available(fd, timeout):
    """Bytes that arrive within `timeout` seconds (b"" when none; None at end of output)."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        data = os.read(fd, 65536)
    except OSError:
        return None
    return data if data else None


def settle(fd, until=None, patience=None):
    """Reads until `until(buffer)` holds (if given) and then no byte came for SETTLE_S.
    With `patience`, an `until` still false after that many seconds counts as met (a
    setup key that changes nothing on screen writes nothing)."""
    buffer = bytearray()
    start = time.monotonic()
    deadline = start + DEADLINE_S
    satisfied = until is None
    while time.monotonic() < deadline:
        data = read_available(fd, SETTLE_S if satisfied else 0.1)
        if data is None:
            break
        buffer += data
        if not satisfied:
            satisfied = until(buffer) or (patience is not None and time.monotonic() - start > patience)
            continue
        if not data:
            return bytes(buffer)
    if not satisfied:
        sys.exit(f"ttybench: timed out waiting for the screen (last output {bytes(buffer[-200:])!r})")
    return bytes(buffer)


def decode_keys(text):
    return text.encode().decode("unicode_escape").encode("latin-1")


def keystrokes(args, env):
    pid, fd = spawn(args.cmd, args.cols, args.rows, env)
    first = settle(fd, until=lambda b: all(m.encode() in b for m in args.ready))
    for key in args.setup:
        os.write(fd, decode_keys(key))
        settle(fd, until=lambda b: len(b) > 0, patience=2.0)
    total, largest = 0, 0
    for character in args.value:
        encoded = character.encode()
        os.write(fd, encoded)
        out = settle(fd, until=lambda b: encoded in b)
        total += len(out)
        largest = max(largest, len(out))
    os.write(fd, decode_keys(args.quit))
    drain(fd)
    finish(pid)
    print(json.dumps({"bytes": total, "keys": len(args.value), "per_key": total / len(args.value),
                      "max": largest, "first_frame_bytes": len(first)}))


def finish(pid):
    """Reaps the program, ending it first if the quit keys did not."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, 15)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def drain(fd):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if read_available(fd, 0.2) is None:
            return


def firstframe(args, env):
    times, peak = [], 0
    markers = [m.encode() for m in args.marker]
    for _ in range(args.runs):
        start = time.perf_counter()
        pid, fd = spawn(args.cmd, args.cols, args.rows, env)
        buffer = bytearray()
        deadline = time.monotonic() + DEADLINE_S
        while not all(m in buffer for m in markers):
            if time.monotonic() > deadline:
                sys.exit(f"ttybench: no complete first frame (last output {bytes(buffer[-300:])!r})")
            data = read_available(fd, 0.5)
            if data is None:
                sys.exit(f"ttybench: the program ended before its first frame: {bytes(buffer[-300:])!r}")
            buffer += data
        times.append((time.perf_counter() - start) * 1000)
        if args.then:
            # Press the keys until `expect` shows (e.g. End until the last instance of the
            # whole list is on screen), so the peak RSS includes all the program loads.
            seen = bytearray()
            deadline = time.monotonic() + DEADLINE_S
            while args.expect.encode() not in seen:
                if time.monotonic() > deadline:
                    sys.exit(f"ttybench: {args.expect!r} never showed after {args.then!r}")
                os.write(fd, decode_keys(args.then))
                data = read_available(fd, 0.2)
                if data is None:
                    sys.exit("ttybench: the program ended early")
                seen += data
        os.write(fd, decode_keys(args.quit))
        drain(fd)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
        peak = max(peak, usage.ru_maxrss)  # KiB on Linux
    print(json.dumps({"median_ms": statistics.median(times), "best_ms": min(times), "peak_rss_mb": peak / 1024,
                      "times_ms": [round(t, 1) for t in times]}))


def main():
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["keystrokes", "firstframe"])
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--value", default="")
    parser.add_argument("--ready", action="append", default=[], help="text of the first screen to wait for")
    parser.add_argument("--setup", action="append", default=[])
    parser.add_argument("--quit", default="")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--marker", action="append", default=[])
    parser.add_argument("--then", default="", help="keys to press after the first frame, until --expect shows")
    parser.add_argument("--expect", default="")
    argv = sys.argv[1:]
    if "--" not in argv:
        parser.error("the command goes after --")
    split = argv.index("--")
    args = parser.parse_args(argv[:split])
    args.cmd = argv[split + 1:]
    env = dict(os.environ, TERM=os.environ.get("BENCH_TERM", "xterm-256color"), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    (keystrokes if args.mode == "keystrokes" else firstframe)(args, env)


if __name__ == "__main__":
    main()
