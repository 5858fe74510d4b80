"""The site's own address: absolute URLs, and which requests are addressed to it.

In production ``SITE_URL`` (e.g. ``https://partnerships.example.org``) is the one origin
every absolute URL is built from (canonical links, JSON-LD ``@id``, API links, feeds,
sitemaps), so nothing a client puts in ``Host`` can end up in a page. Without it
(development) URLs follow the request.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseNotAllowed, HttpResponsePermanentRedirect


def absolute_url_builder(request):
    """A function turning a path (``/agreements/``) into an absolute URL."""
    if settings.SITE_URL:
        return lambda path: settings.SITE_URL + path
    return request.build_absolute_uri


def absolute_url(request, path):
    return absolute_url_builder(request)(path)


class SiteOriginMiddleware:
    """Answer only requests addressed to the configured site, and never TRACE.

    With ``SITE_URL`` set, a ``Host`` other than the site's host and port is refused
    with 400 (``ALLOWED_HOSTS`` alone ignores the port), and a request that arrived
    over the other scheme is redirected to the site's. So every response is built for
    the one origin and a cached page cannot carry a client's host.
    """

    refused_methods = ("TRACE", "CONNECT")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.refused_methods:
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS", "POST"])
        if settings.SITE_URL:
            site = urlsplit(settings.SITE_URL)
            host = request.get_host()
            if host != site.netloc:
                raise DisallowedHost(f"{host!r} is not this site's host {site.netloc!r}.")
            if request.scheme != site.scheme:
                return HttpResponsePermanentRedirect(settings.SITE_URL + request.get_full_path())
        return self.get_response(request)


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """``manage.py check --deploy``: production names its origin and its proxy."""
    if not settings.SITE_URL:
        return [
            Warning(
                "DJANGO_SITE_URL is not set: absolute URLs follow each request's Host header.",
                hint="Set it to the site's origin, e.g. https://partnerships.example.org.",
                id="partnerships.W001",
            )
        ]
    if settings.SITE_URL.startswith("https://") and not settings.SECURE_PROXY_SSL_HEADER:
        return [
            Warning(
                "DJANGO_SITE_URL is https but no proxy header says a request came over https.",
                hint="Behind nginx (deploy/nginx/), set DJANGO_BEHIND_PROXY=1.",
                id="partnerships.W002",
            )
        ]
    return []
