#!/usr/bin/env python3
"""Serve Switchboard's local OAuth test provider with waitress (threaded WSGI server).

    serve.py --state-dir DIR [--port N] [--threads N] [--pidfile F] [--url-file F]

Binds 127.0.0.1:PORT first (PORT 0 = any free port), so the real base URL is known
before Django loads (it goes into the device verification URI and the issuer), then
migrates the SQLite db, creates the fixtures, writes the pidfile and the url file
(atomically, once it is about to serve) and serves until SIGTERM/SIGINT.
"""

import argparse
import logging
import os
import signal
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write_atomic(path, text):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def prepare_database(call_command, log):
    """Migrate the state dir's SQLite db. Migrating a new db from nothing takes seconds
    on a small machine, so the first migrated db is kept in the venv as a template
    (per Django and DOT version) and later new state dirs start from a copy of it."""
    import sqlite3

    import django
    import oauth2_provider
    from django.conf import settings
    from django.db import connections

    db_path = settings.DATABASES["default"]["NAME"]
    template = os.path.join(sys.prefix, f"sb-template-django{django.__version__}-dot{oauth2_provider.__version__}.sqlite3")
    fresh = not os.path.exists(db_path)
    if fresh and os.path.exists(template):
        src = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        dst = sqlite3.connect(db_path)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        log.info("database copied from the template %s", template)
    call_command("migrate", interactive=False, verbosity=0)
    if fresh and not os.path.exists(template):
        connections.close_all()
        tmp = f"{template}.tmp.{os.getpid()}"
        try:
            src = sqlite3.connect(db_path)
            dst = sqlite3.connect(tmp)
            with dst:
                src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            src.close()
            dst.close()
            os.replace(tmp, template)
        except OSError as e:
            log.warning("could not save the database template: %s", e)
            try:
                os.unlink(tmp)
            except OSError:
                pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("SB_PROVIDER_THREADS", "8")))
    parser.add_argument("--pidfile")
    parser.add_argument("--url-file")
    parser.add_argument("--detach", action="store_true", help="start a new session (background mode)")
    parser.add_argument("--announce", action="store_true", help="print the base URL on stdout when ready")
    args = parser.parse_args()

    if args.detach:
        try:
            os.setsid()
        except OSError:
            pass

    state_dir = os.path.abspath(args.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    os.environ["SB_PROVIDER_STATE_DIR"] = state_dir

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", args.port))
    except OSError as e:
        print(f"sb-provider: cannot bind 127.0.0.1:{args.port}: {e.strerror}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    os.environ["SB_PROVIDER_BASE_URL"] = base_url

    sys.path.insert(0, HERE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sbprovider.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from sbprovider.bootstrap import ensure_fixtures

    log = logging.getLogger("sbprovider")
    prepare_database(call_command, log)
    ensure_fixtures()

    # Hand the GIL over sooner (default 5 ms): the I/O thread answers while workers run.
    sys.setswitchinterval(float(os.environ.get("SB_PROVIDER_SWITCH_INTERVAL", "0.001")))
    import waitress
    from sbprovider.wsgi import application

    # Worker threads inherit this mask, so SIGTERM/SIGINT go to the main thread, which
    # then wakes from select() at once instead of at the loop's next 1 s timeout.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    server = waitress.create_server(
        application,
        sockets=[sock],
        threads=args.threads,
        ident="sb-provider",
        connection_limit=200,
        backlog=1024,
        channel_timeout=60,
    )

    def cleanup():
        for path in (args.url_file, args.pidfile):
            if path:
                try:
                    with open(path) as f:
                        mine = f.read().strip() in (str(os.getpid()), base_url)
                    if mine:
                        os.unlink(path)
                except OSError:
                    pass

    def stop(signum, frame):
        # A test server needs no graceful drain (waitress's takes seconds): remove the
        # pid/url files and exit at once; the kernel closes the sockets.
        cleanup()
        log.info("stopping on signal %d (pid %d)", signum, os.getpid())
        logging.shutdown()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)

    if args.pidfile:
        write_atomic(args.pidfile, f"{os.getpid()}\n")
    if args.url_file:
        write_atomic(args.url_file, base_url + "\n")
    log.info("serving %s with %d threads (pid %d)", base_url, args.threads, os.getpid())
    if args.announce:
        print(base_url, flush=True)
    try:
        server.run()
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
