#!/usr/bin/env bash
# Self-check of the local OAuth test provider, with curl and scripts/oauth-browser.py:
# starts its own server (free port, temporary state dir), checks every flow Switchboard
# uses, benchmarks client_credentials, stops the server. Exits non-zero on the first
# failure. Bounded: every curl has --max-time, every wait polls against a deadline.
#
#   scripts/oauth-provider/selfcheck.sh [--bench N]     (N token requests, default 2000, 0 = skip)
#
# Environment: SB_SELFCHECK_PARALLEL (8) for the benchmark.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PROVIDER="$REPO_ROOT/scripts/oauth-provider.sh"
BROWSER="$REPO_ROOT/scripts/oauth-browser.py"
PY="$REPO_ROOT/.venv/oauth-provider/bin/python"
BENCH=2000
PARALLEL="${SB_SELFCHECK_PARALLEL:-8}"
while [ $# -gt 0 ]; do
    case "$1" in
        --bench) BENCH="$2"; shift 2 ;;
        *) echo "usage: $0 [--bench N]" >&2; exit 2 ;;
    esac
done

command -v curl >/dev/null || { echo "selfcheck: curl is required" >&2; exit 1; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sb-oauth-selfcheck.XXXXXX")"
STATE="$WORK/state"
cleanup() {
    "$PROVIDER" stop --state-dir "$STATE" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   $*"; }
fail() {
    FAILED=$((FAILED + 1)); echo "FAIL $*" >&2
    echo "---- provider log (last 20 lines)" >&2; tail -n 20 "$STATE/provider.log" >&2 || true
    echo "$PASSED passed, $FAILED failed"
    exit 1
}
now_ms() { date +%s%3N; }

# json FIELD < body: print FIELD of a JSON object ("" if absent or not JSON).
json() { "$PY" -c 'import json,sys
try: v = json.load(sys.stdin).get(sys.argv[1], "")
except Exception: v = ""
print(v if v is not None else "")' "$1"; }
# query URL FIELD: a query parameter of a URL.
query() { "$PY" -c 'import sys,urllib.parse as u; print((u.parse_qs(u.urlsplit(sys.argv[1]).query).get(sys.argv[2]) or [""])[0])' "$1" "$2"; }
pkce() { # prints "verifier challenge"
    "$PY" -c 'import secrets,hashlib,base64; v=secrets.token_urlsafe(48); c=base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).rstrip(b"=").decode(); print(v, c)'
}
CURL=(curl -sS --max-time 10)
# post URL ARGS... : body to $WORK/body, prints the HTTP status.
post() { local url="$1"; shift; "${CURL[@]}" -o "$WORK/body" -w '%{http_code}' "$@" "$url"; }
body() { cat "$WORK/body"; }

# ---- start ------------------------------------------------------------------------
export SB_PROVIDER_DEVICE_INTERVAL=1
t0=$(now_ms)
BASE="$("$PROVIDER" start --port 0 --state-dir "$STATE" | tail -n 1)" || fail "provider did not start"
ok "provider started at $BASE in $(( $(now_ms) - t0 )) ms"
TOKEN="$BASE/o/token/"

# authorize_url CLIENT PORT STATE [CHALLENGE]: the authorize URL for a loopback callback.
authorize_url() {
    local u="$BASE/o/authorize/?response_type=code&client_id=$1&redirect_uri=http%3A%2F%2F127.0.0.1%3A$2%2Fcallback&scope=read%20write%20offline_access&state=$3"
    [ -z "${4:-}" ] || u="$u&code_challenge=$4&code_challenge_method=S256"
    echo "$u"
}

# ---- 1. authorization code + PKCE S256, confidential client, Basic auth -------------
read -r V C < <(pkce)
url="$(authorize_url sb-confidential 45123 st-basic "$C")"
redirect="$("$BROWSER" "$url" --no-follow 2>"$WORK/browser.err" | tail -n 1)" || { cat "$WORK/browser.err" >&2; fail "browser approve"; }
[ "$(query "$redirect" state)" = st-basic ] || fail "state not echoed: $redirect"
case "$redirect" in http://127.0.0.1:45123/callback\?*) ;; *) fail "unexpected redirect $redirect" ;; esac
code="$(query "$redirect" code)"; [ -n "$code" ] || fail "no code in $redirect"
ok "browser: login + consent -> $(echo "$redirect" | sed 's/code=[^&]*/code=…/')"
st=$(post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=authorization_code \
    -d "code=$code" -d redirect_uri=http://127.0.0.1:45123/callback -d "code_verifier=$V")
[ "$st" = 200 ] || fail "code exchange with Basic auth: $st $(body)"
AT1="$(body | json access_token)"; RT1="$(body | json refresh_token)"
[ -n "$AT1" ] && [ -n "$RT1" ] || fail "no tokens: $(body)"
ok "code exchange, client_secret_basic: 200, scope '$(body | json scope)', expires_in $(body | json expires_in)"

# same code again: rejected
st=$(post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=authorization_code \
    -d "code=$code" -d redirect_uri=http://127.0.0.1:45123/callback -d "code_verifier=$V")
[ "$st" = 400 ] && [ "$(body | json error)" = invalid_grant ] || fail "code reuse: $st $(body)"
ok "code reuse -> 400 invalid_grant"

# ---- 2. same, client_secret_post, another loopback port ---------------------------
read -r V C < <(pkce)
redirect="$("$BROWSER" "$(authorize_url sb-confidential 51999 st-post "$C")" --no-follow 2>"$WORK/browser.err" | tail -n 1)" || { cat "$WORK/browser.err" >&2; fail "browser approve (port 51999)"; }
code="$(query "$redirect" code)"; [ -n "$code" ] || fail "no code in $redirect"
st=$(post "$TOKEN" -d grant_type=authorization_code -d client_id=sb-confidential \
    -d client_secret=sb-confidential-secret -d "code=$code" \
    -d redirect_uri=http://127.0.0.1:51999/callback -d "code_verifier=$V")
[ "$st" = 200 ] || fail "code exchange with body auth: $st $(body)"
ok "code exchange, client_secret_post (redirect port 51999): 200"

# wrong verifier
read -r V C < <(pkce)
redirect="$("$BROWSER" "$(authorize_url sb-confidential 45123 st-v "$C")" --no-follow 2>/dev/null | tail -n 1)"
st=$(post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=authorization_code \
    -d "code=$(query "$redirect" code)" -d redirect_uri=http://127.0.0.1:45123/callback -d "code_verifier=${V}x")
[ "$st" = 400 ] && [ "$(body | json error)" = invalid_grant ] || fail "wrong verifier: $st $(body)"
ok "wrong code_verifier -> 400 invalid_grant"

# wrong secret
st=$(post "$TOKEN" -u sb-confidential:nope -d grant_type=refresh_token -d "refresh_token=$RT1")
[ "$st" = 401 ] && [ "$(body | json error)" = invalid_client ] || fail "wrong secret: $st $(body)"
ok "wrong client secret -> 401 invalid_client"

# ---- 3. deny -----------------------------------------------------------------------
redirect="$("$BROWSER" "$(authorize_url sb-confidential 45123 st-deny)" --deny --no-follow 2>/dev/null | tail -n 1)" || fail "browser deny"
[ "$(query "$redirect" error)" = access_denied ] && [ "$(query "$redirect" state)" = st-deny ] || fail "deny redirect: $redirect"
ok "deny -> error=access_denied&state=st-deny"

# ---- 4. public client: PKCE required ----------------------------------------------
set +e
redirect="$("$BROWSER" "$(authorize_url sb-public 45123 st-nopkce)" --no-follow 2>/dev/null | tail -n 1)"; rc=$?
set -e
[ "$rc" = 3 ] && [ "$(query "$redirect" error)" = invalid_request ] || fail "sb-public without PKCE: rc $rc $redirect"
ok "sb-public authorize without code_challenge -> redirect error=invalid_request ($(query "$redirect" error_description))"
read -r V C < <(pkce)
redirect="$("$BROWSER" "$(authorize_url sb-public 40001 st-pub "$C")" --no-follow 2>/dev/null | tail -n 1)" || fail "sb-public approve"
code="$(query "$redirect" code)"
st=$(post "$TOKEN" -d grant_type=authorization_code -d client_id=sb-public -d "code=$code" \
    -d redirect_uri=http://127.0.0.1:40001/callback)
[ "$st" = 400 ] || fail "sb-public exchange without code_verifier: $st $(body)"
ok "sb-public token exchange without code_verifier -> $st $(body | json error)"
st=$(post "$TOKEN" -d grant_type=authorization_code -d client_id=sb-public -d "code=$code" \
    -d redirect_uri=http://127.0.0.1:40001/callback -d "code_verifier=$V")
# The failed attempt above does not burn the code in DOT; either answer is fine as long
# as a correct exchange of a fresh code works:
if [ "$st" != 200 ]; then
    read -r V C < <(pkce)
    redirect="$("$BROWSER" "$(authorize_url sb-public 40001 st-pub2 "$C")" --no-follow 2>/dev/null | tail -n 1)"
    st=$(post "$TOKEN" -d grant_type=authorization_code -d client_id=sb-public -d "code=$(query "$redirect" code)" \
        -d redirect_uri=http://127.0.0.1:40001/callback -d "code_verifier=$V")
fi
[ "$st" = 200 ] || fail "sb-public exchange with verifier: $st $(body)"
ok "sb-public with PKCE S256: 200"

# ---- 5. /api/me, refresh rotation, revocation --------------------------------------
st=$("${CURL[@]}" -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $AT1" "$BASE/api/me")
[ "$st" = 200 ] && [ "$(body | json user)" = alice ] || fail "/api/me: $st $(body)"
ok "/api/me with the access token: 200 $(body)"
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/api/me")
[ "$st" = 401 ] || fail "/api/me without token: $st"
ok "/api/me without a token: 401"

st=$(post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=refresh_token -d "refresh_token=$RT1")
[ "$st" = 200 ] || fail "refresh: $st $(body)"
AT2="$(body | json access_token)"; RT2="$(body | json refresh_token)"
[ -n "$RT2" ] && [ "$RT2" != "$RT1" ] || fail "refresh token not rotated: $(body)"
ok "refresh: 200, new refresh token (rotated)"
st=$(post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=refresh_token -d "refresh_token=$RT1")
[ "$st" = 400 ] && [ "$(body | json error)" = invalid_grant ] || fail "old refresh token reuse: $st $(body)"
ok "old refresh token again -> 400 invalid_grant"
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AT1" "$BASE/api/me")
[ "$st" = 401 ] || fail "old access token after refresh: $st"
ok "old access token after refresh: /api/me 401"

st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AT2" "$BASE/api/me")
[ "$st" = 200 ] || fail "new access token: $st"
st=$(post "$BASE/o/revoke_token/" -u sb-confidential:sb-confidential-secret -d "token=$AT2" -d token_type_hint=access_token)
[ "$st" = 200 ] || fail "revoke: $st $(body)"
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AT2" "$BASE/api/me")
[ "$st" = 401 ] || fail "revoked access token still works: $st"
ok "revoke access token (RFC 7009): 200, then /api/me 401"
st=$(post "$BASE/o/revoke_token/" -d client_id=sb-confidential -d client_secret=sb-confidential-secret -d "token=$RT2" -d token_type_hint=refresh_token)
[ "$st" = 200 ] || fail "revoke refresh: $st $(body)"
st=$(post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=refresh_token -d "refresh_token=$RT2")
[ "$st" = 400 ] && [ "$(body | json error)" = invalid_grant ] || fail "revoked refresh token: $st $(body)"
ok "revoke refresh token: 200, then refresh -> 400 invalid_grant"

# revoke-tokens command -> invalid_grant
read -r V C < <(pkce)
redirect="$("$BROWSER" "$(authorize_url sb-confidential 45123 st-r "$C")" --no-follow 2>/dev/null | tail -n 1)"
post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=authorization_code -d "code=$(query "$redirect" code)" \
    -d redirect_uri=http://127.0.0.1:45123/callback -d "code_verifier=$V" >/dev/null
RT3="$(body | json refresh_token)"
"$PROVIDER" revoke-tokens --user alice --client sb-confidential --state-dir "$STATE" >/dev/null || fail "revoke-tokens command"
st=$(post "$TOKEN" -u sb-confidential:sb-confidential-secret -d grant_type=refresh_token -d "refresh_token=$RT3")
[ "$st" = 400 ] && [ "$(body | json error)" = invalid_grant ] || fail "refresh after revoke-tokens: $st $(body)"
ok "oauth-provider.sh revoke-tokens, then refresh -> 400 invalid_grant"

# ---- 6. client credentials ---------------------------------------------------------
st=$(post "$TOKEN" -u sb-service:sb-service-secret -d grant_type=client_credentials -d scope=read)
[ "$st" = 200 ] || fail "client_credentials: $st $(body)"
AT="$(body | json access_token)"
[ -z "$(body | json refresh_token)" ] || fail "client_credentials returned a refresh token"
st=$("${CURL[@]}" -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $AT" "$BASE/api/me")
[ "$st" = 200 ] || fail "/api/me with client_credentials token: $st"
ok "client_credentials (Basic): 200, /api/me $(body)"
st=$(post "$TOKEN" -d grant_type=client_credentials -d client_id=sb-service -d client_secret=sb-service-secret)
[ "$st" = 200 ] || fail "client_credentials (body): $st $(body)"
ok "client_credentials (body auth): 200"

# ---- 7. device authorization grant -------------------------------------------------
st=$(post "$BASE/o/device-authorization/" -d client_id=sb-device -d "scope=read offline_access")
[ "$st" = 200 ] || fail "device authorization: $st $(body)"
DC="$(body | json device_code)"; UC="$(body | json user_code)"; VU="$(body | json verification_uri)"
INTERVAL="$(body | json interval)"
[ -n "$DC" ] && [ -n "$UC" ] && [ -n "$VU" ] || fail "device authorization response: $(body)"
ok "device authorization: user_code $UC, verification_uri $VU, interval $INTERVAL"
st=$(post "$TOKEN" -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d client_id=sb-device -d "device_code=$DC")
[ "$st" = 400 ] && [ "$(body | json error)" = authorization_pending ] || fail "device poll before approval: $st $(body)"
ok "device token poll before approval -> 400 authorization_pending"
result="$("$BROWSER" --device "$VU" --user-code "$UC" --approve 2>"$WORK/browser.err" | tail -n 1)" || { cat "$WORK/browser.err" >&2; fail "device browser"; }
[ "$result" = authorized ] || fail "device browser said $result"
deadline=$(( $(now_ms) + 20000 ))
while :; do
    st=$(post "$TOKEN" -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d client_id=sb-device -d "device_code=$DC")
    [ "$st" = 200 ] && break
    [ "$(body | json error)" = authorization_pending ] || [ "$(body | json error)" = slow_down ] || fail "device poll: $st $(body)"
    [ "$(now_ms)" -lt "$deadline" ] || fail "device poll: no token within 20 s"
    sleep "${INTERVAL:-1}" # RFC 8628 polling interval
done
DAT="$(body | json access_token)"; DRT="$(body | json refresh_token)"
[ -n "$DAT" ] && [ -n "$DRT" ] || fail "device tokens: $(body)"
st=$("${CURL[@]}" -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $DAT" "$BASE/api/me")
[ "$st" = 200 ] || fail "/api/me with device token: $st"
ok "device: browser approved, poll -> 200 with access+refresh token, /api/me $(body)"
st=$(post "$TOKEN" -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d client_id=sb-device -d "device_code=$DC")
[ "$st" = 400 ] && [ "$(body | json error)" = expired_token ] || fail "device code reuse: $st $(body)"
ok "device_code used again -> 400 expired_token (single use)"
st=$(post "$TOKEN" -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d client_id=sb-device -d "device_code=nope")
[ "$st" = 400 ] && [ "$(body | json error)" = invalid_grant ] || fail "unknown device code: $st $(body)"
ok "unknown device_code -> 400 invalid_grant"
st=$(post "$TOKEN" -d grant_type=refresh_token -d client_id=sb-device -d "refresh_token=$DRT")
[ "$st" = 200 ] || fail "device refresh: $st $(body)"
ok "device client refresh: 200"
st=$(post "$BASE/o/device-authorization/" -d client_id=sb-device)
DC="$(body | json device_code)"; UC="$(body | json user_code)"
result="$("$BROWSER" --device "$BASE/o/device/?user_code=$UC" --deny 2>/dev/null | tail -n 1)" || fail "device deny browser"
st=$(post "$TOKEN" -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d client_id=sb-device -d "device_code=$DC")
[ "$st" = 400 ] && [ "$(body | json error)" = access_denied ] || fail "denied device poll: $st $(body)"
ok "device deny (via verification_uri_complete) -> poll 400 access_denied"

# ---- 8. benchmark: N client_credentials requests, curl --parallel ------------------
if [ "$BENCH" -gt 0 ]; then
    cfg="$WORK/bench.curl"
    for _ in $(seq "$BENCH"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$TOKEN"; done >"$cfg"
    t0=$(now_ms)
    curl -sS --no-progress-meter --max-time 30 --parallel --parallel-max "$PARALLEL" -K "$cfg" \
        -u sb-service:sb-service-secret -d grant_type=client_credentials -w '%{http_code}\n' >"$WORK/codes" \
        || fail "benchmark curl failed"
    ms=$(( $(now_ms) - t0 ))
    good=$(grep -c '^200$' "$WORK/codes" || true)
    [ "$good" = "$BENCH" ] || fail "benchmark: $good of $BENCH answered 200 ($(sort "$WORK/codes" | uniq -c | tr '\n' ' '))"
    if grep -qi "database is locked" "$STATE/provider.log"; then fail "benchmark: 'database is locked' in the log"; fi
    ok "benchmark: $BENCH client_credentials token requests, $PARALLEL parallel: $ms ms = $(( BENCH * 1000 / (ms > 0 ? ms : 1) )) req/s, all 200"
fi

t0=$(now_ms)
"$PROVIDER" stop --state-dir "$STATE" 2>/dev/null || fail "stop"
ok "provider stopped in $(( $(now_ms) - t0 )) ms"
echo "$PASSED passed, $FAILED failed"
