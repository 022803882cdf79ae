"""Idempotent test fixtures: the user alice and the four Switchboard test clients.

Fixed client ids and secrets so tests can rely on them. Redirect URIs: the loopback
callback on any port (DOT ignores the port of a registered http://127.0.0.1/...,
http://[::1]/... or, with ALLOW_LOCALHOST_LOOPBACK, http://localhost/... uri, per
RFC 8252 7.3), plus whatever SB_PROVIDER_EXTRA_REDIRECT_URIS lists (space separated,
matched exactly, e.g. a team callback server URL).
"""

import os

from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import get_application_model

USER = ("alice", "wonderland")
LOOPBACK_REDIRECTS = [
    "http://127.0.0.1/callback",
    "http://[::1]/callback",
    "http://localhost/callback",
]


def redirect_uris():
    extra = os.environ.get("SB_PROVIDER_EXTRA_REDIRECT_URIS", "").split()
    # Strict: only the URIs given, matched exactly (see settings.py).
    if os.environ.get("SB_PROVIDER_STRICT_REDIRECTS", "0") == "1":
        return " ".join(extra)
    return " ".join(LOOPBACK_REDIRECTS + extra)


def clients():
    Application = get_application_model()
    return [
        dict(client_id="sb-confidential", client_secret="sb-confidential-secret",
             name="Switchboard (confidential)", client_type=Application.CLIENT_CONFIDENTIAL,
             authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
             redirect_uris=redirect_uris()),
        dict(client_id="sb-public", client_secret="",
             name="Switchboard (public, PKCE)", client_type=Application.CLIENT_PUBLIC,
             authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
             redirect_uris=redirect_uris()),
        dict(client_id="sb-device", client_secret="",
             name="Switchboard (device)", client_type=Application.CLIENT_PUBLIC,
             authorization_grant_type=Application.GRANT_DEVICE_CODE,
             redirect_uris=""),
        dict(client_id="sb-service", client_secret="sb-service-secret",
             name="Switchboard (service)", client_type=Application.CLIENT_CONFIDENTIAL,
             authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
             redirect_uris=""),
    ]


@transaction.atomic
def ensure_fixtures():
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=USER[0])
    if not user.check_password(USER[1]) or not user.is_active:
        user.set_password(USER[1])
        user.is_active = True
        user.save()
    Application = get_application_model()
    for spec in clients():
        spec = dict(spec)
        client_id = spec.pop("client_id")
        secret = spec.pop("client_secret")
        app = Application.objects.filter(client_id=client_id).first() or Application(client_id=client_id)
        for key, value in spec.items():
            setattr(app, key, value)
        app.skip_authorization = False
        app.hash_client_secret = True
        # Re-hash only when the stored hash does not match (keeps restarts quick).
        from django.contrib.auth.hashers import check_password
        if not secret:
            app.client_secret = ""
        elif not (app.client_secret and check_password(secret, app.client_secret)):
            app.client_secret = secret
        app.save()
