import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from oauth2_provider import views as dot_views
from oauth2_provider.models import get_device_grant_model
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.views import OAuthServerMetadataView


@require_GET
def healthz(request):
    return JsonResponse({"ok": True})


@require_GET
def me(request):
    """Protected resource: 200 {"user", "scope", "client_id"} for a valid bearer token,
    401 otherwise (expired, revoked or unknown token, or none)."""
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid or oauth_request.access_token is None:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="switchboard-test", error="invalid_token"'
        return response
    token = oauth_request.access_token
    return JsonResponse({
        "user": token.user.get_username() if token.user_id else None,
        "scope": token.scope,
        "client_id": token.application.client_id if token.application_id else None,
        "expires": token.expires.isoformat(),
    })


def home(request):
    body = f"""<!DOCTYPE html><html><head><title>Switchboard test OAuth provider</title></head>
<body><h1>Switchboard test OAuth provider</h1>
<p>Test user: alice / wonderland. Clients: sb-confidential, sb-public, sb-device, sb-service.</p>
<ul>
<li>authorize: {settings.BASE_URL}/o/authorize/</li>
<li>token: {settings.BASE_URL}/o/token/</li>
<li>revoke: {settings.BASE_URL}/o/revoke_token/</li>
<li>device authorization: {settings.BASE_URL}/o/device-authorization/</li>
<li>device verification: <a href="/o/device/">{settings.BASE_URL}/o/device/</a></li>
<li>resource: {settings.BASE_URL}/api/me</li>
</ul></body></html>"""
    return HttpResponse(body)


class TokenView(dot_views.TokenView):
    """DOT's token endpoint with two RFC 8628 fixes for the device grant:
    - an unknown device_code answers 400 invalid_grant (DOT: 404 device_not_found);
    - a device_code is single use: once tokens were issued for it, polling again
      answers 400 expired_token (DOT would issue a new token pair every time)."""

    def device_flow_token_response(self, request, device_code, *args, **kwargs):
        model = get_device_grant_model()
        if not model.objects.filter(device_code=device_code).exists():
            return JsonResponse({"error": "invalid_grant", "error_description": "Unknown device_code."},
                                status=400)
        response = super().device_flow_token_response(request, device_code, *args, **kwargs)
        if response.status_code == 200:
            model.objects.filter(device_code=device_code, status=model.AUTHORIZED).update(status=model.EXPIRED)
        return response


class ServerMetadataView(OAuthServerMetadataView):
    """DOT's RFC 8414 metadata plus the RFC 8628 device_authorization_endpoint (which
    DOT 3.4.1 does not advertise)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        url = self._get_endpoint_url(request, "device-authorization")
        if url:
            data["device_authorization_endpoint"] = url
        new = JsonResponse(data)
        new["Access-Control-Allow-Origin"] = "*"
        return new
