from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve as static_serve
from oauth2_provider import urls as dot_urls

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("api/me", views.me, name="api-me"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Before DOT's include, so it wins: DOT's TokenView with device-grant fixes.
    path("o/token/", views.TokenView.as_view(), name="token"),
    # DOT: /o/authorize/ /o/token/ /o/revoke_token/ /o/introspect/
    #      /o/device-authorization/ /o/device/ /o/device-confirm/<client>/<code> ...
    path("o/", include((dot_urls.base_urlpatterns, "oauth2_provider"), namespace="oauth2_provider")),
    # RFC 8414 metadata at the root (issuer = base URL), with the device endpoint added.
    path(".well-known/oauth-authorization-server", views.ServerMetadataView.as_view(), name="metadata"),
    path("", include((dot_urls.metadata_urlpatterns, "oauth2_metadata"), namespace="oauth2_metadata")),
    # DOT's stylesheet for its pages (DEBUG is off, so serve it explicitly).
    re_path(r"^static/(?P<path>oauth2_provider/.*)$", static_serve, {"document_root": settings.DOT_STATIC_DIR}),
]
