"""No English interface words left on the Chinese pages, public site and editors' admin.

Every page type is rendered in zh-hans with the curated directory loaded, and the text a
reader sees (text nodes and the labels of controls: ``title``, ``aria-label``,
``placeholder``, ``alt``, button values) is scanned for runs of English words. Data is not
interface: text inside an element marked ``lang="en"`` (names without a Chinese form),
form values (what an editor typed), code and quotes from sources are skipped, and the few
English data words that are not marked (acronyms, source titles, URLs) are allowed by name
below. A new English string that is shown without a translation fails here.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from partnerships.login_protection import locked_out
from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    Participation,
    Person,
    PersonName,
    Position,
    Source,
    SourceCredit,
)
from tests.admin_factories import EditorFactory

CHINESE = "zh-hans"
CORPUS = Path(__file__).resolve().parent.parent / "docs" / "curation" / "corpus"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Elements whose text is data or machinery, not interface.
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "textarea", "blockquote", "mark", "option"}
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip

# A run of English: two or more Latin words in a row. A single word is flagged when it is
# a word of the interface (it occurs in an English message of the catalogue): "Merge",
# "Agreements"; a lone acronym, name or code is data.
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ \-’'][A-Za-z][a-z]+)+\b")
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
# Addresses, file names, slugs and language tags are data, whatever their letters.
NOT_WORDS = re.compile(
    r"\S*(?:://|/|\.(?:csv|json|xml|png|org))\S*|\b[a-z0-9]+(?:-[a-z0-9]+)+\b|\bzh-Han[st]\b"
)
# English examples the Chinese help texts quote on purpose: what an editor finds in an
# English press release or source (“18 March 2024”, “Source: …”, Prof., FU Wei).
EXAMPLES = re.compile(
    r"Source: https://…|Title: …|\d+ March \d+|on 17 April|“today”|Prof\.|Academician"
    r"|FU Wei|Wei Fu|Nancy I[Pp]|Wang Chen|President"
)


def interface_words():
    """Lower-case words of the catalogue's English messages, less a few that are data too."""
    words = set()
    for entry in polib.pofile(str(CATALOGUE)):
        for text in (entry.msgid, entry.msgid_plural or ""):
            text = re.sub(r"<[^>]+>|%\(\w+\)[sd]|\{\w*\}", " ", text)
            words.update(word.lower() for word in ENGLISH_WORD.findall(text))
    return words - DATA_WORDS


# Words of the interface that are also codes, formats and product names (the values of
# in_force, signed_on_precision and kind the API docs explain; Atom, Gephi, Axes…).
DATA_WORDS = {
    "abc", "api", "atom", "axes", "bibtex", "csv", "cytoscape", "day", "ended", "frictionless",
    "gephi", "graphml", "hospital", "iso", "json", "lines", "month", "networkx", "ror", "slug",
    "unknown", "url", "utc", "wikidata", "year", "zip",
}  # fmt: skip
# Django's own admin templates hard-code this one (the search icon's alt text).
DJANGO_UNTRANSLATED = {"Search"}

# English that is data, not interface: product and licence names, file formats.
ALLOWED = re.compile(r"^(?:Django|Creative Commons|JSON Lines|Json Lines)$")


class ShownText(HTMLParser):
    """The text a reader sees, outside data marked as English or as code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skipped)
        self.texts = []

    def skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        skipped = (
            self.skipping()
            or tag in SKIPPED_ELEMENTS
            or lang.startswith("en")
            or ("translate" in attrs and attrs["translate"] == "no")
        )
        if not skipped:
            for name in SHOWN_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Pop to the matching element: HTML leaves some end tags out (<p>, <li>).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.skipping() and data.strip():
            self.texts.append(data)


def english_runs(html, allowed=()):
    """The English interface words a reader of ``html`` sees, less the allowed data."""
    parser = ShownText()
    parser.feed(html)
    vocabulary = _vocabulary()
    runs = []
    for text in parser.texts:
        if any(name in text for name in allowed):
            continue
        text = NOT_WORDS.sub(" ", EXAMPLES.sub(" ", text))
        found = ENGLISH_RUN.findall(text)
        runs += [run for run in found if not ALLOWED.match(run)]
        rest = ENGLISH_RUN.sub(" ", text)
        runs += [
            word
            for word in ENGLISH_WORD.findall(rest)
            if word.lower() in vocabulary and word not in DJANGO_UNTRANSLATED
        ]
    return sorted(set(runs))


_vocabulary_cache = []


def _vocabulary():
    if not _vocabulary_cache:
        _vocabulary_cache.append(interface_words())
    return _vocabulary_cache[0]


# Public page types, with the English data they may show.
PUBLIC_PAGES = [
    "/zh-hans/",
    "/zh-hans/agreements/",
    "/zh-hans/agreements/?field=medicine-engineering-integration&year=2023",
    "/zh-hans/agreements/?q=zebrafish",
    "/zh-hans/agreements/?year=abc",
    "/zh-hans/agreements/hkust-pumch-strategic-cooperation-2024/",
    "/zh-hans/institutions/",
    "/zh-hans/institutions/pumch/",
    "/zh-hans/people/",
    "/zh-hans/people/nancy-ip/",
    "/zh-hans/fields/",
    "/zh-hans/fields/medicine-engineering-integration/",
    "/zh-hans/network/",
    "/zh-hans/search/?q=PUMCH",
    "/zh-hans/search/?q=zebrafish",
    "/zh-hans/sources/seed-002-hkust-pumch/",
    "/zh-hans/no-such-page/",
    "/data/?lang=zh-hans",
    "/api/?lang=zh-hans",
]


@pytest.fixture
def published_names(curated):
    """The directory's own English text (names, titles, places, summaries, quotes): data
    that may be shown in English, in the admin above all."""
    names = set()
    for model, fields in (
        (Institution, ("name", "city", "region", "country")),
        (InstitutionName, ("name", "quote")),
        (Person, ("family_name", "given_name", "honorifics")),
        (PersonName, ("name",)),
        (Position, ("title", "quote")),
        (AgreementFocusArea, ("quote",)),
        (AgreementParty, ("quote",)),
        (Participation, ("quote",)),
        (FocusArea, ("name", "description")),
        (Agreement, ("title", "place", "city", "summary", "title_quote", "signed_on_quote")),
        (EstablishedBody, ("name", "other_names", "description")),
        (Source, ("title", "publisher")),
        (SourceCredit, ("name",)),
    ):
        for row in model.objects.values_list(*fields):
            names.update(value for value in row if value and len(value) > 3)
    names.update(str(person) for person in Person.objects.all())
    return names


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_chinese_public_pages_show_no_english_interface_words(client, published_names, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404)
    assert english_runs(response.content.decode(), published_names) == []


@pytest.fixture
def chinese_editor(client, curated):
    client.force_login(EditorFactory())
    client.cookies["django_language"] = CHINESE
    return client


def admin_pages():
    """Every admin page type an editor uses: index, each model's list, add and change
    forms and history, the merge page and the curation desk's paste page."""
    pages = [reverse("admin:index"), reverse("admin:partnerships_agreement_from_press_release")]
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label != "partnerships":
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        pages.append(reverse(f"{prefix}_add"))
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            pages.append(reverse(f"{prefix}_change", args=[record.pk]))
            pages.append(reverse(f"{prefix}_history", args=[record.pk]))
    ids = ",".join(
        str(pk) for pk in Institution.objects.order_by("pk")[:2].values_list("pk", flat=True)
    )
    pages.append(reverse("admin:partnerships_institution_merge") + f"?ids={ids}")
    return pages


def test_chinese_admin_pages_show_no_english_interface_words(chinese_editor, published_names):
    problems = {}
    for path in admin_pages():
        response = chinese_editor.get(path)
        assert response.status_code == 200, path
        runs = english_runs(response.content.decode(), published_names)
        if runs:
            problems[path] = runs
    assert problems == {}


def test_the_chinese_review_page_of_the_curation_desk_is_in_chinese(
    chinese_editor, published_names
):
    text = (CORPUS / "written_03_uk_nhs_full_date.txt").read_text(encoding="utf-8")
    response = chinese_editor.post(
        reverse("admin:partnerships_agreement_from_press_release"),
        {"text": text, "url": "", "title": "", "published": ""},
    )
    assert "agreement_form" in response.context
    assert english_runs(response.content.decode(), published_names) == []


def test_the_chinese_sign_in_paused_page_is_in_chinese(db):
    request = RequestFactory().get("/admin/login/")
    with translation.override(CHINESE):
        response = locked_out(request)
    assert response.status_code == 429
    assert english_runs(response.content.decode()) == []


def test_the_scan_finds_english_interface_words():
    """The scan itself: English interface text is found, data marked as English is not."""
    html = (
        '<main><h1>合作协议</h1><p>Signed in 2024</p><span lang="en">Peking University</span>'
        '<button aria-label="Next page">下一页</button><code>python manage.py</code>'
        "<p>Agreements</p><p>PUMCH · /zh-hans/people/nancy-ip/</p></main>"
    )
    assert english_runs(html) == ["Agreements", "Next page", "Signed in"]
