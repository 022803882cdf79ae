#!/usr/bin/env python3
"""Scripted browser for Switchboard's OAuth end-to-end tests: plays the human in front of
the test provider (scripts/oauth-provider.sh), with a requests.Session (cookies, CSRF).

Authorization code flow:
  oauth-browser.py AUTHORIZE_URL [--approve|--deny] [--user alice --password wonderland]
                   [--no-follow]
    GETs AUTHORIZE_URL; logs in when sent to the login page (CSRF token from the form);
    submits DOT's consent form with all its hidden inputs, plus allow=Authorize
    (--approve, the default) or without it (--deny = the Cancel button); then GETs the
    redirect target (the client's loopback callback catcher) unless --no-follow.
    stdout, last line: the redirect URL (with code and state, or error=access_denied...).
    stderr: progress and the catcher's response status and body.

Device flow (RFC 8628):
  oauth-browser.py --device VERIFICATION_URI [--user-code CODE] [--approve|--deny] [...]
    Logs in, enters the user code on the verification page (or takes it from a
    verification_uri_complete's ?user_code=), then presses Accept or Deny.
    stdout, last line: "authorized" or "denied".

Exit status: 0 done (consent or device page processed, redirect happened; also on
--deny); 3 the provider redirected back to the client WITHOUT showing a consent page
(an error redirect, e.g. error=invalid_request for a missing PKCE challenge: the URL is
still printed, and followed unless --no-follow); 1 anything else (login failed, provider
error page, wrong user code, catcher unreachable...), with a one-line reason on stderr;
2 usage. Run it with the provider's venv python (.venv/oauth-provider/bin/python); with
another python that lacks requests it re-executes itself with that one.
"""

import argparse
import os
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

try:
    import requests
except ImportError:  # re-exec with the provider's venv python
    venv_python = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".venv",
                               "oauth-provider", "bin", "python")
    if os.path.exists(venv_python) and os.path.realpath(sys.executable) != os.path.realpath(venv_python):
        os.execv(venv_python, [venv_python, os.path.abspath(__file__)] + sys.argv[1:])
    print("oauth-browser: python module 'requests' missing; run scripts/oauth-provider.sh setup "
          "and use .venv/oauth-provider/bin/python", file=sys.stderr)
    sys.exit(1)

TIMEOUT = float(os.environ.get("SB_BROWSER_TIMEOUT", "30"))
MAX_HOPS = 10
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) switchboard-oauth-browser/1"


class Failure(Exception):
    pass


def say(msg):
    print(f"oauth-browser: {msg}", file=sys.stderr)


class FormParser(HTMLParser):
    """Collects every <form>: id, action, method, and its successful controls.

    inputs: [(name, value, type)] for <input>, <textarea>, <select> (first or selected
    option); buttons: [(name, value, label)] for submit buttons (<button>, <input
    type=submit>), so the caller can pick which one was "clicked"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None
        self._button = None
        self.title = ""
        self._in_title = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "title":
            self._in_title = True
        if tag == "form":
            self._form = {"id": a.get("id", ""), "action": a.get("action", ""),
                          "method": a.get("method", "get").lower(), "inputs": [], "buttons": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if kind in ("submit", "image"):
                self._form["buttons"].append((name, a.get("value", ""), a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if name and "checked" in a:
                    self._form["inputs"].append((name, a.get("value", "on"), kind))
            elif name and kind not in ("button", "reset", "file"):
                self._form["inputs"].append((name, a.get("value", ""), kind))
        elif tag == "button":
            kind = a.get("type", "submit").lower()
            if kind == "submit":
                self._button = [a.get("name"), a.get("value", ""), ""]
                self._form["buttons"].append(self._button)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "form":
            self._form = None
        elif tag == "button":
            self._button = None
        elif tag == "select" and self._select is not None and self._form is not None:
            value = self._select["selected"] if self._select["selected"] is not None else self._select["first"]
            if value is not None:
                self._form["inputs"].append((self._select["name"], value, "select"))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["inputs"].append((self._textarea[0], self._textarea[1], "textarea"))
            self._textarea = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._textarea is not None:
            self._textarea[1] += data
        if self._button is not None:
            self._button[2] += data.strip()
        if data.strip():
            self.text.append(data.strip())


def parse(html):
    p = FormParser()
    p.feed(html)
    p.close()
    return p


def page_summary(resp):
    p = parse(resp.text)
    text = " ".join(p.text)
    return (text[:200] + "...") if len(text) > 200 else text


def same_origin(a, b):
    sa, sb = urlsplit(a), urlsplit(b)
    return (sa.scheme, sa.hostname, sa.port) == (sb.scheme, sb.hostname, sb.port)


class Browser:
    def __init__(self, user, password):
        self.s = requests.Session()
        self.s.headers["User-Agent"] = USER_AGENT
        self.user = user
        self.password = password
        self.logged_in = False

    def request(self, method, url, **kw):
        try:
            r = self.s.request(method, url, allow_redirects=False, timeout=TIMEOUT, **kw)
        except requests.RequestException as e:
            raise Failure(f"{method} {url.split('?')[0]} failed: {e.__class__.__name__}: {e}")
        say(f"{method} {url.split('?')[0]} -> {r.status_code}")
        return r

    def submit(self, page_url, form, extra=(), drop=(), origin=None):
        data = [(n, v) for n, v, _ in form["inputs"] if n not in drop]
        data.extend(extra)
        action = urljoin(page_url, form["action"] or page_url)
        headers = {"Referer": page_url}
        if origin:
            headers["Origin"] = origin
        if form["method"] == "post":
            return action, self.request("POST", action, data=data, headers=headers)
        return action, self.request("GET", action, params=data, headers=headers)

    def is_login_page(self, url):
        return urlsplit(url).path.rstrip("/").endswith("/accounts/login")

    def login(self, login_url):
        if self.logged_in:
            raise Failure("sent to the login page again after logging in")
        r = self.request("GET", login_url)
        if r.status_code != 200:
            raise Failure(f"login page answered {r.status_code}")
        forms = [f for f in parse(r.text).forms if any(n == "password" for n, _, _ in f["inputs"])]
        if not forms:
            raise Failure("no login form (with a password field) on the login page")
        form = forms[0]
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(login_url))
        _, r = self.submit(login_url, form, extra=[("username", self.user), ("password", self.password)],
                           drop=("username", "password"), origin=origin)
        if r.status_code not in (301, 302, 303, 307, 308):
            raise Failure(f"login as {self.user!r} failed ({r.status_code}): {page_summary(r)}")
        self.logged_in = True
        say(f"logged in as {self.user}")
        return urljoin(login_url, r.headers["Location"])

    def get_following_provider(self, url):
        """GET url, following redirects that stay on the provider and logging in on the
        way. Returns (final_url, response); the response is either a page (200/4xx/5xx)
        or a redirect that leaves the provider's origin (to the client)."""
        provider = url
        for _ in range(MAX_HOPS):
            r = self.request("GET", url)
            if r.status_code in (301, 302, 303, 307, 308):
                target = urljoin(url, r.headers.get("Location", ""))
                if not same_origin(target, provider):
                    return url, r
                if self.is_login_page(target):
                    url = self.login(target)
                else:
                    url = target
                continue
            return url, r
        raise Failure("too many redirects")


def redirect_target(page_url, resp):
    return urljoin(page_url, resp.headers.get("Location", ""))


def follow_to_client(browser, url, follow):
    print_url = url
    if follow:
        try:
            r = browser.s.get(url, timeout=TIMEOUT, allow_redirects=True)
        except requests.RequestException as e:
            print(print_url)
            raise Failure(f"callback {url.split('?')[0]} unreachable: {e.__class__.__name__}")
        say(f"catcher answered {r.status_code}")
        body = r.text
        print(f"catcher status: {r.status_code}", file=sys.stderr)
        print(f"catcher body: {body[:2000]}", file=sys.stderr)
    print(print_url)


def authorize(args):
    b = Browser(args.user, args.password)
    url, r = b.get_following_provider(args.url)
    if r.status_code in (301, 302, 303, 307, 308):
        # Straight back to the client without a consent page (an error redirect).
        target = redirect_target(url, r)
        q = parse_qs(urlsplit(target).query)
        say("provider redirected to the client without a consent page"
            + (f" (error={q['error'][0]})" if "error" in q else ""))
        follow_to_client(b, target, not args.no_follow)
        return 3
    if r.status_code != 200:
        raise Failure(f"authorize page answered {r.status_code}: {page_summary(r)}")
    page = parse(r.text)
    forms = [f for f in page.forms if f["id"] == "authorizationForm"] or \
            [f for f in page.forms if any(n == "allow" for n, _, _ in f["buttons"])]
    if not forms:
        raise Failure(f"no consent form on the authorize page: {page_summary(r)}")
    form = forms[0]
    names = [n for n, _, _ in form["inputs"]]
    say(f"consent form: {', '.join(names)}")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    if args.deny:
        # The "Cancel" submit button has no name: the form is posted without "allow".
        action, r = b.submit(url, form, origin=origin)
    else:
        allow = [(n, v) for n, v, _ in form["buttons"] if n == "allow"]
        if not allow:
            raise Failure("consent form has no allow button")
        action, r = b.submit(url, form, extra=allow[:1], origin=origin)
    if r.status_code not in (301, 302, 303, 307, 308):
        raise Failure(f"consent POST answered {r.status_code}, not a redirect: {page_summary(r)}")
    target = redirect_target(action, r)
    if same_origin(target, url):
        raise Failure(f"consent POST redirected back to the provider ({urlsplit(target).path})")
    follow_to_client(b, target, not args.no_follow)
    return 0


def device(args):
    b = Browser(args.user, args.password)
    user_code = args.user_code or (parse_qs(urlsplit(args.device).query).get("user_code") or [None])[0]
    if not user_code:
        raise Failure("--user-code is required (or a verification URI with ?user_code=)")
    url, r = b.get_following_provider(args.device)
    if r.status_code != 200:
        raise Failure(f"verification page answered {r.status_code}: {page_summary(r)}")
    forms = [f for f in parse(r.text).forms if any(n == "user_code" for n, _, _ in f["inputs"])]
    if not forms:
        raise Failure(f"no user_code form on the verification page: {page_summary(r)}")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    action, r = b.submit(url, forms[0], extra=[("user_code", user_code)], drop=("user_code",), origin=origin)
    if r.status_code not in (301, 302, 303):
        raise Failure(f"user code {user_code!r} not accepted ({r.status_code}): {page_summary(r)}")
    url, r = b.get_following_provider(redirect_target(action, r))
    if r.status_code != 200:
        raise Failure(f"device confirm page answered {r.status_code}: {page_summary(r)}")
    forms = [f for f in parse(r.text).forms if any(n == "action" for n, _, _ in f["buttons"])]
    if not forms:
        raise Failure(f"no accept/deny form on the device confirm page: {page_summary(r)}")
    form = forms[0]
    choice = "deny" if args.deny else "accept"
    if not any(n == "action" and v == choice for n, v, _ in form["buttons"]):
        raise Failure(f"device confirm form has no action={choice} button")
    action, r = b.submit(url, form, extra=[("action", choice)], origin=origin)
    if r.status_code not in (301, 302, 303):
        raise Failure(f"device confirm POST answered {r.status_code}: {page_summary(r)}")
    url, r = b.get_following_provider(redirect_target(action, r))
    summary = page_summary(r)
    say(f"device status page: {summary}")
    if r.status_code != 200:
        raise Failure(f"device status page answered {r.status_code}")
    print("denied" if args.deny else "authorized")
    return 0


def main():
    parser = argparse.ArgumentParser(
        description="Scripted browser for the Switchboard test OAuth provider.",
        epilog="Exit: 0 ok, 3 redirected back without a consent page, 1 failure, 2 usage.")
    parser.add_argument("url", nargs="?", help="authorization URL")
    decision = parser.add_mutually_exclusive_group()
    decision.add_argument("--approve", action="store_true", help="approve (default)")
    decision.add_argument("--deny", action="store_true", help="deny / cancel")
    parser.add_argument("--user", default="alice")
    parser.add_argument("--password", default="wonderland")
    parser.add_argument("--no-follow", action="store_true",
                        help="do not GET the final redirect (the client's callback)")
    parser.add_argument("--device", metavar="VERIFICATION_URI", help="device verification flow")
    parser.add_argument("--user-code", help="user code for --device")
    args = parser.parse_args()
    if bool(args.url) == bool(args.device):
        parser.error("give either AUTHORIZE_URL or --device VERIFICATION_URI")
    try:
        return device(args) if args.device else authorize(args)
    except Failure as e:
        print(f"oauth-browser: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
