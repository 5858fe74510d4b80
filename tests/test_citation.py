"""“Cite this record”: text styles, BibTeX and CSL-JSON that citation tools can read."""

import html
import json
import re

import bibtexparser
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.utils import timezone

from partnerships.models import Agreement, FocusArea, Institution, Person, Source
from partnerships.open_data.timestamps import format_timestamp

RECORD_PAGES = [
    (Agreement, "hkust-pumch-strategic-cooperation-2024"),
    (Institution, "pumch"),
    (Person, "nancy-ip"),
    (FocusArea, "medicine-engineering-integration"),
    (Source, "seed-002-hkust-pumch"),
]


def cite_blocks(page_html):
    """``{summary: text}`` of the page's citation <details> blocks."""
    blocks = re.findall(
        r"<summary>([^<]+)</summary>\s*<pre><code>(.*?)</code></pre>", page_html, re.S
    )
    return {summary.split(" ")[0]: html.unescape(text) for summary, text in blocks}


@pytest.mark.parametrize(("model", "slug"), RECORD_PAGES)
def test_every_record_page_can_be_cited_with_its_version_and_access_date(
    client, curated, model, slug
):
    record = model.objects.get(slug=slug)
    page = client.get(record.get_absolute_url()).content.decode()

    assert "Cite this record" in page
    version = format_timestamp(record.updated_at)
    today = timezone.localdate()
    for style in ("APA", "Chicago", "Harvard"):
        assert f"<dt>{style}</dt>" in page
    assert f"Version {version}" in page
    assert f"Retrieved {today:%B} {today.day}, {today.year}" in page
    blocks = cite_blocks(page)
    assert set(blocks) == {"BibTeX", "CSL-JSON"}


def test_the_bibtex_entry_parses_with_its_fields(client, curated):
    agreement = Agreement.objects.get(slug="hkust-pumch-strategic-cooperation-2024")
    page = client.get(agreement.get_absolute_url()).content.decode()

    library = bibtexparser.parse_string(cite_blocks(page)["BibTeX"])

    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "misc"
    assert entry.key == f"agreement-{agreement.slug}"
    assert entry["title"] == f"{{{agreement.title}}}"
    assert entry["url"] == f"http://testserver{agreement.get_absolute_url()}"
    assert entry["version"] == format_timestamp(agreement.updated_at)
    assert entry["urldate"] == timezone.localdate().isoformat()


def test_bibtex_escapes_characters_tex_reads_as_commands(client, curated):
    institution = Institution.objects.get(slug="pumch")
    Institution.objects.filter(pk=institution.pk).update(name="R&D 100% {Hospital}_#1")
    page = client.get(institution.get_absolute_url()).content.decode()

    library = bibtexparser.parse_string(cite_blocks(page)["BibTeX"])

    assert not library.failed_blocks
    assert library.entries[0]["title"] == r"{R\&D 100\% \{Hospital\}\_\#1}"


def test_the_csl_json_is_read_and_rendered_by_citeproc(client, curated):
    person = Person.objects.get(slug="nancy-ip")
    page = client.get(person.get_absolute_url()).content.decode()

    items = json.loads(cite_blocks(page)["CSL-JSON"])
    [item] = items
    assert item["type"] == "dataset"
    assert item["version"] == format_timestamp(person.updated_at)
    today = timezone.localdate()
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}

    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    [rendered] = bibliography.bibliography()
    assert person.display_name in str(rendered)
    assert f"http://testserver{person.get_absolute_url()}" in str(rendered)


def test_an_edited_record_is_cited_by_its_newest_history_entry_at_a_stable_address(client, curated):
    agreement = Agreement.objects.get(slug="hkust-pumch-strategic-cooperation-2024")
    agreement.summary += " Corrected."
    agreement.save()
    entry = agreement.history.latest()

    page = client.get(agreement.get_absolute_url()).content.decode()

    version_url = f"/agreements/{agreement.slug}/versions/{entry.history_id}/"
    assert f"Version {entry.history_id}" in page
    assert f"http://testserver{version_url}" in page
    [bibtex] = bibtexparser.parse_string(cite_blocks(page)["BibTeX"]).entries
    assert bibtex["version"] == str(entry.history_id)
    assert bibtex["url"] == f"http://testserver{version_url}"


@pytest.mark.parametrize(
    "title",
    [
        "Peking Union Medical College Hospital",
        "An'en County People's Hospital: talent (2024) / AI-driven care",
        "北京协和医院 与 香港科技大学",
        "The “Smart” Hospital",  # quotation marks citeproc may turn
        'R&D "100%" <Hospital>',  # markup
    ],
)
def test_harvard_text_is_what_citeproc_renders_for_the_item(title):
    """Plain text is placed into a rendering kept per publisher and dates; whatever the
    title, the Harvard text equals citeproc's rendering of the record's own item."""
    import datetime

    from partnerships.citation import RecordCitation, _harvard

    for version_date in (datetime.date(2024, 3, 9), datetime.date(2025, 11, 30)):
        citation = RecordCitation(
            key="institution-x",
            title=title,
            url="https://directory.example/en/institutions/x/versions/12/",
            version="12",
            version_date=version_date,
            accessed=datetime.date(2026, 12, 1),
        )
        expected = _harvard(citation.csl_json())
        assert citation.harvard() == expected
        assert str(version_date.year) in expected and "1 December 2026" in expected
