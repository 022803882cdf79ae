import logging
import time

from django.conf import settings

log = logging.getLogger("sbprovider.access")


class AccessLogMiddleware:
    """One line per request: method, path (never the query string), status, ms."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.ACCESS_LOG

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        start = time.monotonic()
        response = self.get_response(request)
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code,
                 (time.monotonic() - start) * 1000)
        return response
