#!/usr/bin/env bash
# Switchboard's local OAuth 2.0 authorization server, for end-to-end tests and for
# trying CONNECT by hand. django-oauth-toolkit (DOT) in a virtualenv, served by waitress
# (threaded WSGI) on 127.0.0.1 only. TEST SERVER: fixed credentials, fast (weak) hasher.
#
#   scripts/oauth-provider.sh setup                     venv .venv/oauth-provider + pinned pip install
#   scripts/oauth-provider.sh start [--port N] [--state-dir DIR]
#                                                       background; prints the base URL as last line
#   scripts/oauth-provider.sh stop  [--state-dir DIR]
#   scripts/oauth-provider.sh run   [--port N] [--state-dir DIR]   foreground (Ctrl-C stops)
#   scripts/oauth-provider.sh status [--state-dir DIR]  prints the base URL; exit 1 if not running
#   scripts/oauth-provider.sh revoke-tokens [--user alice] [--client ID] [--state-dir DIR]
#                                                       revoke all of a user's tokens (next refresh
#                                                       gets invalid_grant, /api/me 401)
#   scripts/oauth-provider.sh manage [--state-dir DIR] -- ARGS...   Django manage.py
#
# Port: --port N (default $SB_PROVIDER_PORT or 8765); --port 0 picks a free port (read
# the printed URL). State dir (SQLite db, secret key, provider.log, provider.pid,
# provider.url): --state-dir DIR (default $SB_PROVIDER_STATE_DIR or
# .venv/oauth-provider-state). Start is idempotent: if that state dir's server is already
# running, it prints its URL. Environment read at start (see sbprovider/settings.py):
# SB_PROVIDER_ACCESS_TOKEN_SECONDS (3600), SB_PROVIDER_REFRESH_TOKEN_SECONDS (no expiry),
# SB_PROVIDER_AUTH_CODE_SECONDS (60), SB_PROVIDER_DEVICE_INTERVAL (5),
# SB_PROVIDER_REUSE_PROTECTION (0), SB_PROVIDER_ISS (0), SB_PROVIDER_THREADS (8),
# SB_PROVIDER_EXTRA_REDIRECT_URIS ("", space separated, matched exactly),
# SB_PROVIDER_STRICT_REDIRECTS (0; 1: only the extra URIs, port included, no loopback leniency),
# SB_PROVIDER_START_TIMEOUT (30 s).
#
# Endpoints (BASE = http://127.0.0.1:8765):
#   BASE/o/authorize/             authorization endpoint (login page BASE/accounts/login/)
#   BASE/o/token/                 token endpoint: authorization_code, refresh_token,
#                                 client_credentials, urn:ietf:params:oauth:grant-type:device_code
#                                 (client auth: HTTP Basic or client_id/client_secret in body)
#   BASE/o/revoke_token/          revocation (RFC 7009)
#   BASE/o/introspect/            introspection (RFC 7662)
#   BASE/o/device-authorization/  device authorization endpoint (RFC 8628 3.1), POST client_id, scope
#   BASE/o/device/                device verification page (verification_uri; form field user_code;
#                                 ?user_code=CODE prefills it = verification_uri_complete), then
#                                 BASE/o/device-confirm/<client_id>/<user_code> (field action=accept|deny)
#   BASE/.well-known/oauth-authorization-server   RFC 8414 metadata (+ device_authorization_endpoint)
#   BASE/api/me                   protected resource: 200 {"user","scope",...} with a valid
#                                 "Authorization: Bearer" token, else 401
#   BASE/healthz                  200 {"ok": true}
#
# Clients (fixed; user alice / password wonderland; scopes read write offline_access,
# default read):
#   sb-confidential / sb-confidential-secret  confidential, authorization code, PKCE optional
#   sb-public (no secret)                     public, authorization code, PKCE S256 required
#   sb-device (no secret)                     public, device authorization grant
#   sb-service / sb-service-secret            confidential, client_credentials
# Redirect URIs of the first two: http://127.0.0.1:<any port>/callback (also [::1] and
# localhost): DOT ignores the port of a registered loopback URI (RFC 8252 7.3).
# PKCE: S256 only ("plain" is refused); required for sb-public (per client, through
# DOT's callable PKCE_REQUIRED), optional for sb-confidential.
# Refresh tokens rotate; the old one is rejected at once (invalid_grant), and the
# access token issued with it stops working. Access tokens last
# SB_PROVIDER_ACCESS_TOKEN_SECONDS; /api/me answers 401 once they expire.
# Device grant (DOT 3.4's own, RFC 8628): POST /o/device-authorization/ client_id=sb-device
# [scope=...] -> device_code, user_code (8 chars 0-9A-V), verification_uri,
# verification_uri_complete, expires_in 1800, interval ($SB_PROVIDER_DEVICE_INTERVAL).
# Token polls: authorization_pending, access_denied, expired_token; slow_down is never
# sent. Two fixes over DOT here: an unknown device_code is 400 invalid_grant (DOT: 404),
# and a device_code is single use (polling again after success: 400 expired_token).
# A first start on a new state dir migrates SQLite (~6 s here) and keeps the result in the
# venv as a template; later new state dirs start from a copy (~2 s).
# A scripted browser for the consent and device pages: scripts/oauth-browser.py.
# Self-check of all of the above with curl: scripts/oauth-provider/selfcheck.sh.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
PROVIDER_DIR="$SCRIPT_DIR/oauth-provider"
VENV="$REPO_ROOT/.venv/oauth-provider"
PY="$VENV/bin/python"
REQUIREMENTS="$PROVIDER_DIR/requirements.txt"

die() { echo "oauth-provider: $*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---- options ---------------------------------------------------------------------
PORT="${SB_PROVIDER_PORT:-8765}"
STATE_DIR="${SB_PROVIDER_STATE_DIR:-$REPO_ROOT/.venv/oauth-provider-state}"
USER_NAME="alice"
CLIENT_ID=""
EXTRA=()

parse_opts() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --port) [ $# -ge 2 ] || die "--port needs a value"; PORT="$2"; shift 2 ;;
            --port=*) PORT="${1#*=}"; shift ;;
            --state-dir) [ $# -ge 2 ] || die "--state-dir needs a value"; STATE_DIR="$2"; shift 2 ;;
            --state-dir=*) STATE_DIR="${1#*=}"; shift ;;
            --user) [ $# -ge 2 ] || die "--user needs a value"; USER_NAME="$2"; shift 2 ;;
            --client) [ $# -ge 2 ] || die "--client needs a value"; CLIENT_ID="$2"; shift 2 ;;
            --) shift; EXTRA=("$@"); break ;;
            -h|--help) usage ;;
            *) die "unknown option: $1" ;;
        esac
    done
    case "$PORT" in ''|*[!0-9]*) die "--port must be a number, got '$PORT'" ;; esac
    mkdir -p "$STATE_DIR" || die "cannot create state dir $STATE_DIR"
    STATE_DIR="$(cd "$STATE_DIR" && pwd)"
    PIDFILE="$STATE_DIR/provider.pid"
    URLFILE="$STATE_DIR/provider.url"
    LOGFILE="$STATE_DIR/provider.log"
}

# ---- helpers ---------------------------------------------------------------------
now_ms() { date +%s%3N; }

# Alive and not a zombie (a detached server is reaped by whoever adopted it, maybe late).
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local state
    state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
    [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# The pid in the pidfile if that process is alive and is our server.
running_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid="$(tr -dc '0-9' <"$PIDFILE")"
    [ -n "$pid" ] || return 1
    alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "oauth-provider/serve.py" || return 1
    echo "$pid"
}

healthy() { # URL
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null --max-time 2 "$1/healthz" 2>/dev/null
    else
        "$PY" -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1]+"/healthz", timeout=2)' "$1" 2>/dev/null
    fi
}

# Why the server died: its last "sb-provider:" line, else the last log line.
log_reason() {
    [ -f "$LOGFILE" ] || { echo "no log"; return; }
    local line
    line="$(grep -a '^sb-provider:' "$LOGFILE" | tail -n 1 || true)"
    [ -n "$line" ] || line="$(grep -av '^[[:space:]]*$' "$LOGFILE" | tail -n 1 || true)"
    echo "${line:-empty log} (log: $LOGFILE)"
}

# ---- commands --------------------------------------------------------------------
cmd_setup() {
    local want stamp="$VENV/.sb-requirements.sha256"
    want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
    if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    mkdir -p "$REPO_ROOT/.venv"
    # One installer at a time (parallel test runs may all call start at once).
    if command -v flock >/dev/null 2>&1 && [ -z "${SB_PROVIDER_SETUP_LOCKED:-}" ]; then
        SB_PROVIDER_SETUP_LOCKED=1 flock -w 600 "$REPO_ROOT/.venv/oauth-provider.lock" "$0" setup \
            || die "setup failed"
        return 0
    fi
    if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    if [ ! -x "$PY" ]; then
        command -v python3 >/dev/null 2>&1 || die "python3 not found"
        mkdir -p "$(dirname "$VENV")"
        python3 -m venv "$VENV" >"$REPO_ROOT/.venv/oauth-provider-venv.log" 2>&1 \
            || die "python3 -m venv failed (on Debian: apt-get install python3-venv); see .venv/oauth-provider-venv.log"
    fi
    echo "oauth-provider: installing pinned packages into $VENV" >&2
    if ! "$PY" -m pip install --disable-pip-version-check --no-input -q -r "$REQUIREMENTS" \
            >"$VENV/pip-install.log" 2>&1; then
        tail -n 15 "$VENV/pip-install.log" >&2
        die "pip install failed (log: $VENV/pip-install.log)"
    fi
    echo "$want" >"$stamp"
}

cmd_start() {
    parse_opts "$@"
    cmd_setup
    local pid url
    if pid="$(running_pid)"; then
        url="$(cat "$URLFILE" 2>/dev/null || true)"
        if [ -n "$url" ] && healthy "$url"; then
            [ "$PORT" = "0" ] || [ "$url" = "http://127.0.0.1:$PORT" ] \
                || echo "oauth-provider: already running on $url (state dir $STATE_DIR); --port $PORT ignored" >&2
            echo "$url"
            return 0
        fi
        die "a server (pid $pid) of $STATE_DIR is running but not answering; run: $0 stop --state-dir $STATE_DIR"
    fi
    rm -f "$URLFILE" "$PIDFILE"
    echo "---- start $(date -u +%FT%TZ) port $PORT" >>"$LOGFILE"
    nohup "$PY" "$PROVIDER_DIR/serve.py" --detach --state-dir "$STATE_DIR" --port "$PORT" \
        --pidfile "$PIDFILE" --url-file "$URLFILE" >>"$LOGFILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDFILE"
    local timeout_s="${SB_PROVIDER_START_TIMEOUT:-30}"
    local deadline=$(( $(now_ms) + timeout_s * 1000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        if ! alive "$pid"; then
            rm -f "$PIDFILE"
            die "server exited during start-up: $(log_reason)"
        fi
        if [ -s "$URLFILE" ]; then
            url="$(cat "$URLFILE")"
            if healthy "$url"; then
                echo "$url"
                return 0
            fi
        fi
        sleep 0.1 # poll interval, bounded by the deadline
    done
    kill -TERM "$pid" 2>/dev/null || true
    die "server did not answer on /healthz within ${timeout_s}s: $(log_reason)"
}

cmd_stop() {
    parse_opts "$@"
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PIDFILE" "$URLFILE"
        echo "oauth-provider: not running (state dir $STATE_DIR)" >&2
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( $(now_ms) + 15000 ))
    while alive "$pid" && [ "$(now_ms)" -lt "$deadline" ]; do
        sleep 0.05 # poll interval, bounded by the deadline
    done
    if alive "$pid"; then
        echo "oauth-provider: pid $pid ignored SIGTERM for 15s, sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        deadline=$(( $(now_ms) + 5000 ))
        while alive "$pid" && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.05; done
        alive "$pid" && die "pid $pid did not exit"
    fi
    rm -f "$PIDFILE" "$URLFILE"
    echo "oauth-provider: stopped (pid $pid)" >&2
}

cmd_run() {
    parse_opts "$@"
    cmd_setup
    if pid="$(running_pid)"; then
        die "already running in the background (pid $pid); run: $0 stop --state-dir $STATE_DIR"
    fi
    echo "oauth-provider: log in $LOGFILE; user alice / wonderland; Ctrl-C stops" >&2
    exec "$PY" "$PROVIDER_DIR/serve.py" --state-dir "$STATE_DIR" --port "$PORT" \
        --pidfile "$PIDFILE" --url-file "$URLFILE" --announce
}

cmd_status() {
    parse_opts "$@"
    local pid url
    pid="$(running_pid)" || { echo "oauth-provider: not running (state dir $STATE_DIR)" >&2; return 1; }
    url="$(cat "$URLFILE" 2>/dev/null || true)"
    [ -n "$url" ] && healthy "$url" || { echo "oauth-provider: pid $pid not answering" >&2; return 1; }
    echo "$url"
}

cmd_manage() {
    parse_opts "$@"
    cmd_setup
    SB_PROVIDER_STATE_DIR="$STATE_DIR" "$PY" "$PROVIDER_DIR/manage.py" "${EXTRA[@]}"
}

cmd_revoke_tokens() {
    parse_opts "$@"
    cmd_setup
    local args=(sb_revoke_tokens --user "$USER_NAME")
    [ -z "$CLIENT_ID" ] || args+=(--client "$CLIENT_ID")
    SB_PROVIDER_STATE_DIR="$STATE_DIR" "$PY" "$PROVIDER_DIR/manage.py" "${args[@]}"
}

[ $# -ge 1 ] || usage
command="$1"; shift
case "$command" in
    setup) [ $# -eq 0 ] || die "setup takes no options"; cmd_setup
           [ -n "${SB_PROVIDER_SETUP_LOCKED:-}" ] || echo "oauth-provider: venv ready: $VENV" >&2 ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    run) cmd_run "$@" ;;
    status) cmd_status "$@" ;;
    manage) cmd_manage "$@" ;;
    revoke-tokens) cmd_revoke_tokens "$@" ;;
    -h|--help|help) usage ;;
    *) die "unknown command: $command (setup, start, stop, run, status, revoke-tokens, manage)" ;;
esac
