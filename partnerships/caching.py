"""Caching that stays correct when an editor saves.

Entries are keyed by :class:`DirectoryVersion`, which every save or delete of a directory
record bumps (``signals.py``), and which bulk loaders bump when they finish. A changed
record therefore retires every entry at once, in every worker; stale entries simply
expire. Only derived numbers are cached (facet counts, totals), never access decisions:
keys include whether drafts are visible.
"""

import hashlib

from django.core.cache import cache
from django.utils import translation

from .models import DirectoryVersion, FocusArea

TIMEOUT = 60 * 30


def cached(namespace, parts, compute, version=None):
    """``compute()``, remembered under ``namespace`` and ``parts`` until the data changes.

    Pass ``version`` when one request makes several lookups, to read it only once.
    """
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    if version is None:
        version = DirectoryVersion.current()
    # Per language too: some values hold labels (facets), translated when computed.
    key = f"directory:{namespace}:{version}:{translation.get_language()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def focus_area_counts():
    """Published agreements per field (sub-fields included), shared by pages and downloads."""
    return cached("focus-area-counts", (), FocusArea.objects.agreement_counts)


def request_key(request, ignored=("page", "sort")):
    """The parts of a request that decide derived numbers: parameters and draft visibility."""
    params = sorted(
        (name, tuple(request.GET.getlist(name))) for name in request.GET if name not in ignored
    )
    user = getattr(request, "user", None)
    sees_drafts = bool(user and user.is_active and user.is_staff)
    return (request.path, params, sees_drafts)


def page_key(request, version):
    """A page differs by address and language (chosen by the middleware before this one)."""
    path_digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"directory:page:{version}:{translation.get_language()}:{path_digest}"


class PublicPageCacheMiddleware:
    """Serve repeated anonymous page views from the cache until the directory changes.

    Only successful, non-streaming HTML answers to anonymous GET requests are kept, and
    only when they set no cookie: staff (who see drafts) and the admin always get fresh
    pages. The key holds the directory version, so an editor's save retires every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request, DirectoryVersion.current())
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if self.is_cacheable_response(response):
            cache.set(key, response, TIMEOUT)
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(("/admin/", "/api/"))
            and not request.user.is_authenticated
        )

    @staticmethod
    def is_cacheable_response(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
            and response.get("Content-Type", "").startswith("text/html")
        )
