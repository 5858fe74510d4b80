"""HTTP for readers and data consumers: conditional GET, public caching, compression.

Public anonymous answers carry an ETag and a Last-Modified taken from the directory's
version, so a client that already holds the current version gets a 304 before any view
runs; ``Cache-Control: public`` with a short max-age lets browsers and shared caches keep
them for a minute. The ETag names the version, the language and the full path (query
included): everything an anonymous answer depends on (the page cache keys on the same).

Compression and BREACH: gzip is applied to public anonymous answers only. They hold no
secret (no CSRF token, no session data), so reflecting a query in a compressed page leaks
nothing. The admin and everything served to a signed-in user (CSRF tokens, drafts) is
sent uncompressed.
"""

import hashlib
import time

from django.core.cache import cache
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from .models import DirectoryVersion

MAX_AGE = 60
PRIVATE_PREFIXES = ("/admin/",)
# Answers that do not depend on the directory's data: no version to read for them.
DATA_FREE_PATHS = ("/api/schema/", "/healthz", "/robots.txt")


def is_public_request(request):
    """An anonymous read outside the admin: its answer is the same for every reader."""
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(PRIVATE_PREFIXES)
        and not (user is not None and user.is_authenticated)
    )


class DirectoryVersionOncePerRequestMiddleware:
    """Every part of a request that keys a cache entry by the directory version reads the
    same token, from the database once (``DirectoryVersion.read_once``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with DirectoryVersion.read_once():
            return self.get_response(request)


def version_changed_at(version):
    """When this site first served ``version``: never earlier than the change itself.

    Remembered in the cache (shared by every worker with Redis) for as long as pages are.
    """
    key = f"directory:changed-at:{version}"
    return cache.get_or_set(key, lambda: int(time.time()), 60 * 60 * 24)


class ConditionalPublicResponseMiddleware:
    """ETag and Last-Modified from the directory version, 304s, ``Cache-Control: public``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_request(request) or request.path in DATA_FREE_PATHS:
            return self.get_response(request)
        version = DirectoryVersion.current()
        # Everything an anonymous answer depends on: the data, the address, the language.
        parts = f"{version} {translation.get_language()} {request.get_full_path()}"
        digest = hashlib.sha256(parts.encode()).hexdigest()
        etag, last_modified = f'"{digest[:32]}"', version_changed_at(version)
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is not None:  # 304 Not Modified (or 412 for a failed precondition)
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            return response
        response = self.get_response(request)
        if self.is_public_response(response):
            # The same validators the 304 above was decided on (a feed's own
            # Last-Modified, its newest entry, would never match them).
            response.headers["ETag"] = etag
            response.headers["Last-Modified"] = http_date(last_modified)
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    @staticmethod
    def is_public_response(response):
        return (
            response.status_code == 200
            and not response.cookies
            and "Cache-Control" not in response.headers
        )


class PublicGZipMiddleware(GZipMiddleware):
    """Gzip (Django's, with its BREACH padding) for public anonymous answers only."""

    def process_response(self, request, response):
        if not is_public_request(request) or response.cookies:
            return response
        return super().process_response(request, response)
