"""The data licence: one setting, stated wherever the data leaves the site."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Licence:
    spdx: str  # SPDX identifier, as Frictionless and OpenAPI name licences
    title: str
    url: str
    attribution_required: bool


LICENCES = {
    licence.spdx: licence
    for licence in (
        Licence(
            "CC0-1.0",
            "CC0 1.0 Universal (public domain dedication)",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            attribution_required=False,
        ),
        Licence(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
            attribution_required=True,
        ),
    )
}


def data_licence():
    """The licence the directory's data is published under (``DATA_LICENCE``)."""
    return LICENCES[settings.DATA_LICENCE]
