"""“Cite this record”: a record page as a citable data set entry, in several forms.

One CSL-JSON item (the Citation Style Language's data format, read by Zotero, Pandoc and
citeproc) is the source of every form: APA and Chicago text, Harvard rendered from the
item by citeproc-py with its bundled style, and BibTeX. The version is the record's last
change (``updated_at``); the access date is the day the page was served.
"""

import datetime
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext

from partnerships.models import Agreement, FocusArea, Institution, Person, Source
from partnerships.open_data.timestamps import format_timestamp

HARVARD_STYLE = "harvard-cite-them-right"
# Characters with a meaning in (La)TeX, escaped in BibTeX values.
BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def record_title(record):
    if isinstance(record, Person):
        return record.display_name
    if isinstance(record, Agreement | Source):
        return record.title
    if isinstance(record, Institution | FocusArea):
        return record.name
    raise TypeError(f"{type(record).__name__} is not a citable record")


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def _us_date(day):
    return f"{day:%B} {day.day}, {day.year}"


@dataclass(frozen=True)
class RecordCitation:
    """The citation of one record version, as accessed on one day."""

    key: str  # e.g. agreement-beihang-pumc-strategic-cooperation-2023
    title: str
    url: str
    version: str  # the record's last change, RFC 3339
    version_date: datetime.date
    accessed: datetime.date

    @property
    def publisher(self):
        # The directory's name in the page's language, as its header gives it.
        return gettext(settings.SITE_NAME)

    def csl_json(self):
        """The CSL-JSON item (one object of a CSL-JSON array)."""
        return {
            "id": self.key,
            "type": "dataset",
            "title": self.title,
            "author": [{"literal": self.publisher}],
            "publisher": self.publisher,
            "URL": self.url,
            "version": self.version,
            "issued": {"date-parts": [_date_parts(self.version_date)]},
            "accessed": {"date-parts": [_date_parts(self.accessed)]},
        }

    def csl_json_text(self):
        return json.dumps([self.csl_json()], ensure_ascii=False, indent=2)

    def apa(self):
        """APA 7th edition, data set with a retrieval date (its content changes)."""
        return (
            f"{self.publisher}. ({self.version_date.year}, {self.version_date:%B} "
            f"{self.version_date.day}). {self.title} (Version {self.version}) [Data set]. "
            f"Retrieved {_us_date(self.accessed)}, from {self.url}"
        )

    def chicago(self):
        """Chicago Manual of Style, 17th edition, bibliography entry for a web record."""
        return (
            f"{self.publisher}. “{self.title}.” Last modified {_us_date(self.version_date)} "
            f"(version {self.version}). Accessed {_us_date(self.accessed)}. {self.url}."
        )

    def harvard(self):
        """Harvard (Cite Them Right), rendered from the CSL-JSON item by citeproc-py.

        Rendering takes citeproc about 9 ms, on every record page. For plain text the
        style only places the fields, so an item with stand-ins for them is rendered once
        per publisher and dates, and the stand-ins replaced; other text (quotation marks,
        which citeproc may turn, or markup) is rendered in full.
        """
        fields = {"title": self.title, "URL": self.url, "version": self.version}
        issued = _date_parts(self.version_date)
        if not _harvard_writes_whole_dates():
            issued = [issued[0], 1, 1]  # the year alone is written: one text per year
        pattern = _harvard_with_stand_ins(
            self.publisher, tuple(issued), tuple(_date_parts(self.accessed))
        )
        if pattern is None or not all(PLAIN_TEXT.fullmatch(text) for text in fields.values()):
            return _harvard(self.csl_json())
        for name, text in fields.items():
            pattern = pattern.replace(STAND_INS[name], text)
        return pattern

    def bibtex(self):
        fields = [
            ("author", f"{{{_bibtex_escape(self.publisher)}}}"),
            ("title", f"{{{_bibtex_escape(self.title)}}}"),
            ("publisher", _bibtex_escape(self.publisher)),
            ("year", str(self.version_date.year)),
            ("month", BIBTEX_MONTHS[self.version_date.month - 1]),
            ("version", _bibtex_escape(self.version)),
            ("url", self.url),
            ("urldate", self.accessed.isoformat()),
            ("note", f"Version of {self.version}; accessed {self.accessed.isoformat()}"),
        ]
        body = ",\n".join(
            f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
            for name, value in fields
        )
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def styles(self):
        """``[(style name, text)]`` for the page."""
        return [("APA", self.apa()), ("Chicago", self.chicago()), ("Harvard", self.harvard())]


def _date_parts(day):
    return [day.year, day.month, day.day]


def _bibtex_escape(text):
    return BIBTEX_SPECIAL.sub(r"\\\1", text)


@cache
def _harvard_style():
    return CitationStylesStyle(HARVARD_STYLE, locale="en-GB", validate=False)


# Text citeproc writes as it is: letters (any script), digits, spaces and punctuation
# other than quotation marks and markup.
PLAIN_TEXT = re.compile(r"[\w\s.,;:!?()\[\]/+=%#@~\-–—']*")
STAND_INS = {"title": "qqtitleqq", "URL": "qqurlqq", "version": "qqversionqq"}


def _harvard(item):
    source = CiteProcJSON([item])
    bibliography = CitationStylesBibliography(_harvard_style(), source, formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return " ".join(strip_tags(str(entry)) for entry in bibliography.bibliography())


@cache
def _harvard_writes_whole_dates():
    """Whether the style writes more of the issued date than its year."""
    first, second = (
        _harvard_with_stand_ins("Publisher", (2020, month, day), (2020, 1, 1))
        for month, day in ((1, 1), (6, 15))
    )
    return first != second


@lru_cache(maxsize=256)
def _harvard_with_stand_ins(publisher, issued, accessed):
    """The Harvard text with stand-ins for the fields (the style may leave some out), or
    ``None`` if the style changed one (its case, say) rather than writing it as it is."""
    item = {
        "id": "item",
        "type": "dataset",
        "author": [{"literal": publisher}],
        "publisher": publisher,
        "issued": {"date-parts": [list(issued)]},
        "accessed": {"date-parts": [list(accessed)]},
        **STAND_INS,
    }
    text = _harvard(item)
    kept = all(
        text.lower().count(stand_in) == text.count(stand_in) for stand_in in STAND_INS.values()
    )
    return text if kept else None


def cite(record, absolute_url, accessed=None, version=None):
    """The :class:`RecordCitation` of ``record`` (a detail page's object).

    It cites ``version`` (a history entry of the record) when given, else the record's
    newest history entry; either is cited at its stable address, ``…/versions/<id>/``.
    A record with no history yet (loaded from a fixture) is cited at its own address,
    its version being its last change.
    """
    from partnerships.record_versions import latest_version, version_url

    kind = record._meta.model_name
    if version is not None:
        entry = (version.history_id, version.history_date)
    else:
        entry = latest_version(record)
    if entry is None:
        url, version_name, changed = record.get_absolute_url(), None, record.updated_at
    else:
        url = version_url(kind, record.slug, entry[0])
        version_name, changed = str(entry[0]), entry[1]
    title = record_title(version.instance if version is not None else record)
    return RecordCitation(
        key=f"{kind}-{record.slug}" + (f"-v{version_name}" if version_name else ""),
        title=title,
        url=absolute_url(url),
        version=version_name or format_timestamp(changed),
        version_date=timezone.localdate(changed, datetime.UTC),
        accessed=accessed or timezone.localdate(),
    )
