"""Every page type is well-formed HTML5: no parse errors, one h1, headings in order."""

import itertools
import re

import html5lib
import pytest

PAGES = [
    "/",
    "/agreements/",
    "/agreements/?field=medicine-engineering-integration&year=2023",
    "/agreements/hkust-pumch-strategic-cooperation-2024/",
    "/institutions/",
    "/institutions/pumch/",
    "/people/",
    "/people/wang-chen/",
    "/fields/",
    "/fields/medicine-engineering-integration/",
    "/search/?q=PUMCH",
    "/search/?q=nothing-matches-this",
    "/sources/seed-000-beihang-pumc/",
    "/data/",
    "/no-such-page/",
]


@pytest.mark.parametrize("url", PAGES)
def test_the_page_parses_without_errors_and_its_headings_are_in_order(client, curated, url):
    response = client.get(url)
    assert response.status_code == (404 if url == "/no-such-page/" else 200)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(response.content)  # Raises on any parse error.
    headings = [int(h.tag[1]) for h in document.iter() if re.fullmatch(r"h[1-6]", str(h.tag))]
    assert headings.count(1) == 1
    for previous, current in itertools.pairwise(headings):
        assert current <= previous + 1, f"heading level jumps from h{previous} to h{current}"
