"""Caching that stays correct whoever writes.

Entries are keyed by the :class:`DirectoryVersion` token, which the write path
(``write_path.py``) renews after every committed write, however it was made. A changed
record therefore retires every entry at once, in every worker and on every host that
shares the cache; stale entries simply expire. Keys hold everything a response depends
on: host, scheme, language, whether the reader sees drafts, path and query.

The backend is Django's cache setting: per-process memory by default, Redis (Django's
``RedisCache``) when ``CACHE_URL`` names one, so that workers and hosts share entries.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.utils import timezone, translation

from .models import DirectoryVersion, FocusArea
from .models.querysets import sees_drafts

TIMEOUT = 60 * 30


def _digest(parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cached(namespace, parts, compute):
    """``compute()``, remembered under ``namespace`` and ``parts`` until the data changes.

    A request reads the version once however many lookups it makes (``read_once``).
    """
    key = _key(namespace, DirectoryVersion.current(), parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def cached_many(namespace, parts_list, compute_missing):
    """``[cached(namespace, parts, …) for parts in parts_list]``, looked up at once; those
    not remembered are found together: ``compute_missing(places)`` gives their values,
    in the order of ``places`` (their positions in ``parts_list``)."""
    version = DirectoryVersion.current()
    keys = [_key(namespace, version, parts) for parts in parts_list]
    found = cache.get_many(keys)
    missing = [place for place, key in enumerate(keys) if found.get(key) is None]
    if missing:
        computed = dict(
            zip((keys[place] for place in missing), compute_missing(missing), strict=True)
        )
        cache.set_many(computed, TIMEOUT)
        found.update(computed)
    return [found[key] for key in keys]


def _key(namespace, version, parts):
    # Per language too: some values hold labels (facets), translated when computed.
    return f"directory:{namespace}:{version}:{translation.get_language()}:{_digest(parts)}"


def focus_area_counts():
    """Published agreements per field (sub-fields included), shared by pages and downloads."""
    return cached("focus-area-counts", (), FocusArea.objects.agreement_counts)


def request_key(request, ignored=("page", "sort")):
    """The parts of a request that decide derived numbers: parameters, draft visibility
    and the day ("in force today" counts and filters change at midnight)."""
    params = sorted(
        (name, tuple(request.GET.getlist(name))) for name in request.GET if name not in ignored
    )
    return (request.path, params, sees_drafts(getattr(request, "user", None)), timezone.localdate())


def page_key(request, version):
    """Everything a whole page depends on, or ``None`` when the host is not allowed."""
    try:
        # get_host() checks ALLOWED_HOSTS: an unknown Host never reaches the cache.
        host = request.get_host()
    except DisallowedHost:
        return None
    parts = (
        request.scheme,
        host,
        translation.get_language(),
        sees_drafts(getattr(request, "user", None)),
        request.get_full_path(),
        timezone.localdate(),  # pages that say what is in force today change at midnight
    )
    return f"directory:page:{version}:{_digest(parts)}"


class PublicPageCacheMiddleware:
    """Serve repeated anonymous page views from the cache until the directory changes.

    Only successful, non-streaming HTML answers to anonymous GET requests are kept, and
    only when they set no cookie: staff (who see drafts) and the admin always get fresh
    pages. The key holds the directory version, so a committed write retires every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.is_cacheable_request(request) and page_key(request, DirectoryVersion.current())
        if not key:
            return self.get_response(request)
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
