"""The API's rate limit per client address, told in the standard headers.

``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds until a
request slot frees) follow the IETF httpapi rate-limit header fields; a refused request
gets 429 with ``Retry-After``. The limit is ``API_RATE_LIMIT`` (``DJANGO_API_RATE_LIMIT``,
e.g. ``600/minute``). Counts live in the cache: set ``CACHE_URL`` to a Redis so that
all workers share them.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AddressRateThrottle(AnonRateThrottle):
    scope = "address"

    def get_rate(self):
        return settings.API_RATE_LIMIT or None

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and self.key is not None:
            remaining = max(self.num_requests - len(self.history), 0)
            oldest = self.history[-1] if self.history else self.now
            reset = max(int(self.duration - (self.now - oldest)), 1)
            request._request.rate_limit = (self.num_requests, remaining, reset)
        return allowed


class RateLimitHeadersMiddleware:
    """Copy what the throttle counted onto the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            limit, remaining, reset = rate_limit
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response
