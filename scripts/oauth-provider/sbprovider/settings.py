"""Settings of Switchboard's local OAuth 2.0 test provider (django-oauth-toolkit).

THIS IS A TEST SERVER: it listens on 127.0.0.1 only, uses a deliberately fast (weak)
password hasher and keeps its state in a throw-away SQLite file. Never expose it.

Read from the environment when the process starts (scripts/oauth-provider.sh sets the
first two):
  SB_PROVIDER_STATE_DIR              state dir: db, secret key, log, pidfile (required)
  SB_PROVIDER_BASE_URL               http://127.0.0.1:PORT (the serve command sets it
                                     after binding; used for the device verification URI)
  SB_PROVIDER_ACCESS_TOKEN_SECONDS   access token lifetime, default 3600
  SB_PROVIDER_REFRESH_TOKEN_SECONDS  refresh token lifetime, default: none (no expiry)
  SB_PROVIDER_AUTH_CODE_SECONDS      authorization code lifetime, default 60
  SB_PROVIDER_DEVICE_INTERVAL        device flow polling interval (s), default 5
  SB_PROVIDER_REUSE_PROTECTION       1: reusing a rotated refresh token revokes the whole
                                     token family (RFC 9700 4.14.2), default 0
  SB_PROVIDER_ISS                    1: add iss= to authorization responses (RFC 9207),
                                     default 0
  SB_PROVIDER_STRICT_REDIRECTS       1: match redirect URIs exactly, port included (only
                                     SB_PROVIDER_EXTRA_REDIRECT_URIS are registered),
                                     default 0
  SB_PROVIDER_ACCESS_LOG             0: no per-request line in the log, default 1
"""

import os
import secrets
from pathlib import Path

import oauth2_provider


def _env_int(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}")


def _env_flag(name, default=False):
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in ("1", "true", "yes", "on")


BASE_DIR = Path(__file__).resolve().parent
STATE_DIR = Path(os.environ.get("SB_PROVIDER_STATE_DIR") or (BASE_DIR.parent.parent.parent / ".venv" / "oauth-provider-state")).resolve()
STATE_DIR.mkdir(parents=True, exist_ok=True)
BASE_URL = os.environ.get("SB_PROVIDER_BASE_URL", "http://127.0.0.1:8765").rstrip("/")


def _secret_key():
    # Per state dir, made once, never printed.
    path = STATE_DIR / "secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key
    except OSError:
        return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "oauth2_provider",
    "sbprovider",
]

MIDDLEWARE = [
    "sbprovider.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "sbprovider.urls"
WSGI_APPLICATION = "sbprovider.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite tuned for a threaded server under a parallel benchmark:
# - WAL lets readers run while one thread writes;
# - "timeout" is SQLite's busy timeout (wait for the write lock instead of failing);
# - IMMEDIATE transactions take the write lock at BEGIN, so two transactions never
#   deadlock upgrading read locks (the case the busy timeout cannot help with, which
#   is what produces "database is locked" under load).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(STATE_DIR / "provider.sqlite3"),
        # Keep each thread's connection (Django's default reopens, and re-runs the
        # PRAGMAs, on every request: ~30% of a token request's CPU).
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# TEST SERVER ONLY: DOT hashes client secrets with Django's password hashers, and the
# default PBKDF2 costs hundreds of ms per token request. Salted MD5 is fast and is
# fine for throw-away test credentials (alice/wonderland, sb-*-secret); never use it
# for anything real.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = []

# Sessions in signed cookies: no session table writes.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
DOT_STATIC_DIR = str(Path(oauth2_provider.__file__).resolve().parent / "static")


def _pkce_required(client_id):
    # PKCE_REQUIRED cannot be set on an Application, but DOT accepts a callable of
    # the client id: required for the public client sb-public, optional for the
    # confidential sb-confidential (the other clients do not use the authorization
    # endpoint).
    return client_id == "sb-public"


OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read your data",
        "write": "Change your data",
        "offline_access": "Keep access while you are away (refresh token)",
    },
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": _env_int("SB_PROVIDER_ACCESS_TOKEN_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": _env_int("SB_PROVIDER_REFRESH_TOKEN_SECONDS", 0) or None,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": _env_int("SB_PROVIDER_AUTH_CODE_SECONDS", 60),
    # Refresh tokens rotate; the old one is rejected at once (invalid_grant).
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REFRESH_TOKEN_REUSE_PROTECTION": _env_flag("SB_PROVIDER_REUSE_PROTECTION"),
    "PKCE_REQUIRED": _pkce_required,
    # Consent page every time (the scripted browser always sees the real form).
    "REQUEST_APPROVAL_PROMPT": "force",
    # Loopback redirects (RFC 8252 7.3): DOT ignores the port when the REGISTERED uri
    # is http://127.0.0.1/... or http://[::1]/...; this extends it to "localhost".
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    # SB_PROVIDER_STRICT_REDIRECTS=1 plays a provider that matches redirect URIs exactly,
    # port included (Salesforce, Dropbox, Atlassian): localhost loses its loopback
    # treatment, and bootstrap registers only SB_PROVIDER_EXTRA_REDIRECT_URIS.
    "ALLOW_LOCALHOST_LOOPBACK": not _env_flag("SB_PROVIDER_STRICT_REDIRECTS"),
    "ALLOW_URI_WILDCARDS": False,
    # Device authorization grant (RFC 8628), built into DOT 3.x.
    "OAUTH_DEVICE_VERIFICATION_URI": BASE_URL + "/o/device/",
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": BASE_URL + "/o/device/?user_code={user_code}",
    "DEVICE_FLOW_INTERVAL": _env_int("SB_PROVIDER_DEVICE_INTERVAL", 5),
    # RFC 9700 behaviour gates: enforce the secure behaviour (S256 only, no implicit or
    # password grant, bearer tokens only in the Authorization header / body).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": _env_flag("SB_PROVIDER_ISS"),
    "OIDC_ISS_ENDPOINT": BASE_URL,
}

ACCESS_LOG = _env_flag("SB_PROVIDER_ACCESS_LOG", True)

# Everything goes to STATE_DIR/provider.log; nothing secret is logged (paths without
# query strings, no bodies, no headers).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "file": {
            "class": "logging.FileHandler",
            "filename": str(STATE_DIR / "provider.log"),
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["file"], "level": "WARNING"},
    "loggers": {
        "sbprovider": {"handlers": ["file"], "level": "INFO", "propagate": False},
        "waitress": {"handlers": ["file"], "level": "INFO", "propagate": False},
        # "Task queue depth is N" is normal under the parallel benchmark.
        "waitress.queue": {"handlers": ["file"], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["file"], "level": "ERROR", "propagate": False},
    },
}
