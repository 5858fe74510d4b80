"""The data licence: one setting, stated wherever the data leaves the site."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class Licence:
    spdx: str  # SPDX identifier, as Frictionless and OpenAPI name licences
    title: str
    url: str
    attribution_required: bool

    @property
    def reader_title(self):
        """The title in the reader's language, for pages; data files keep ``title``."""
        return gettext(self.title)


LICENCES = {
    licence.spdx: licence
    for licence in (
        Licence(
            "CC0-1.0",
            gettext_noop("CC0 1.0 Universal (public domain dedication)"),
            "https://creativecommons.org/publicdomain/zero/1.0/",
            attribution_required=False,
        ),
        Licence(
            "CC-BY-4.0",
            gettext_noop("Creative Commons Attribution 4.0 International"),
            "https://creativecommons.org/licenses/by/4.0/",
            attribution_required=True,
        ),
    )
}


def data_licence():
    """The licence the directory's data is published under (``DATA_LICENCE``)."""
    return LICENCES[settings.DATA_LICENCE]


class LicenceLinkMiddleware:
    """``Link: <licence>; rel="license"`` on everything a program takes away: the API,
    downloads, dumps and feeds, whose bodies have no room for it (a CSV, a JSON array)."""

    OPEN_DATA_PREFIXES = ("/api/", "/data/", "/feeds/", "/sitemap")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if path.startswith(self.OPEN_DATA_PREFIXES) or "/export." in path:
            response["Link"] = f'<{data_licence().url}>; rel="license"'
        return response
