"""Dates as precisely as a release states them, resolved against its publication date."""

import calendar
import datetime
import re
from dataclasses import dataclass

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from partnerships.models import DatePrecision

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?P<year>(?:19|20)\d\d)"
WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"

# Most specific first; each yields a date at the precision of the groups it captured.
PATTERNS = [
    re.compile(r"\b" + YEAR + r"-(?P<month_number>[01]\d)-" + r"(?P<day>[0-3]\d)\b"),
    re.compile(r"\b" + WEEKDAY + DAY + r"\s+" + MONTH + r"(?:,?\s*" + YEAR + r")?\b", re.I),
    re.compile(r"\b" + WEEKDAY + MONTH + r"\s+" + DAY + r"(?:\s*,\s*|\s+)?" + YEAR + r"?\b", re.I),
    re.compile(r"\b" + MONTH + r",?\s+" + YEAR + r"\b", re.I),
    re.compile(r"\bin\s+" + MONTH + r"(?![\w-])", re.I),
    re.compile(r"\bin\s+" + YEAR + r"\b"),
]
RELATIVE = re.compile(
    r"\b(?P<word>today|yesterday|this week|last week|earlier this month|this month|"
    r"last month|earlier this year|this year|recently)\b",
    re.I,
)


@dataclass(frozen=True)
class PartialDate:
    value: datetime.date
    precision: str

    def iso(self):
        if self.precision == DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    @classmethod
    def from_iso(cls, text):
        """ "2024", "2024-03" or "2024-03-14" (what the draft's JSON holds)."""
        text = (text or "").strip()
        if re.fullmatch(r"\d{4}", text):
            return cls(datetime.date(int(text), 1, 1), DatePrecision.YEAR)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = map(int, text.split("-"))
            return cls(datetime.date(year, month, 1), DatePrecision.MONTH)
        return cls(datetime.date.fromisoformat(text), DatePrecision.DAY)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: PartialDate | None  # None when it needs a publication date it does not have
    relative: bool


def find_dates(text, published=None):
    """Every date phrase in ``text``, in order, resolved against ``published`` when needed."""
    mentions = []
    taken = []
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            date = _absolute(match.groupdict(), published)
            if date is _INVALID:
                continue
            taken.append(match.span())
            mentions.append(DateMention(match.start(), match.end(), date, False))
    for match in RELATIVE.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        mentions.append(
            DateMention(match.start(), match.end(), relative(match["word"], published), True)
        )
    return sorted(mentions, key=lambda mention: mention.start)


_INVALID = object()


def _absolute(groups, published):
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("month_number"):
        month = int(groups["month_number"])
    elif groups.get("month"):
        month = MONTHS[groups["month"].lower().rstrip(".")]
    else:
        month = None
    day = int(groups["day"]) if groups.get("day") else None
    if month is None:
        return PartialDate(datetime.date(year, 1, 1), DatePrecision.YEAR)
    try:
        datetime.date(year or 2000, month, day or 1)
    except ValueError:
        return _INVALID
    if year is None:
        # "On May 18" in a release of 22 May 2023: the latest such day on or before it.
        if published is None:
            return None
        year = published.value.year
        if (month, day or 1) > (published.value.month, published.value.day) and (
            published.precision == DatePrecision.DAY or month > published.value.month
        ):
            year -= 1
    if day is None:
        return PartialDate(datetime.date(year, month, 1), DatePrecision.MONTH)
    return PartialDate(datetime.date(year, month, day), DatePrecision.DAY)


def relative(word, published):
    """A relative phrase at the precision it allows; "recently" gives the year only."""
    if published is None:
        return None
    word = word.lower()
    value = published.value
    if word in ("today", "yesterday"):
        if published.precision != DatePrecision.DAY:
            return _coarsen(published, DatePrecision.MONTH)
        if word == "yesterday":
            value -= datetime.timedelta(days=1)
        return PartialDate(value, DatePrecision.DAY)
    if word in ("this week", "last week") and published.precision == DatePrecision.DAY:
        monday = value - datetime.timedelta(days=value.weekday())
        if word == "last week":
            monday -= datetime.timedelta(days=7)
        sunday = monday + datetime.timedelta(days=6)
        if word == "this week":
            sunday = value
        if (monday.year, monday.month) == (sunday.year, sunday.month):
            return PartialDate(monday.replace(day=1), DatePrecision.MONTH)
        if monday.year == sunday.year:
            return PartialDate(monday.replace(month=1, day=1), DatePrecision.YEAR)
        return None
    if word in ("this month", "earlier this month"):
        return _coarsen(published, DatePrecision.MONTH)
    if word == "last month" and published.precision in (DatePrecision.DAY, DatePrecision.MONTH):
        first = value.replace(day=1) - relativedelta(months=1)
        return PartialDate(first, DatePrecision.MONTH)
    return _coarsen(published, DatePrecision.YEAR)


def _coarsen(date, precision):
    order = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]
    if order.index(date.precision) >= order.index(precision):
        return date
    value = date.value.replace(day=1)
    if precision == DatePrecision.YEAR:
        value = value.replace(month=1)
    return PartialDate(value, precision)


PUBLISHED_LABEL = re.compile(
    r"^\s*(?:release time|released|published(?: on)?|publication date|posted(?: on)?|"
    r"update[d]?|date|press release)\s*[:–—-]?\s*(?P<rest>.*)$",
    re.I,
)


def parse_publication_date(text):
    """A publication date typed by an editor or read from a dateline, at its precision."""
    text = text.strip()
    if not text:
        return None
    mentions = [mention for mention in find_dates(text) if mention.date and not mention.relative]
    if mentions:
        return mentions[0].date
    try:
        value = date_parser.parse(text, dayfirst=True).date()
    except (ValueError, OverflowError):
        return None
    return PartialDate(value, DatePrecision.DAY)


def find_publication_date(sentences):
    """The release's own date: a labelled line ("Release time: …", "Update: …") first,
    then a line that is a date and little else ("3 June 2025", "Sept. 10, 2024")."""
    for position, sentence in enumerate(sentences):
        match = PUBLISHED_LABEL.match(sentence.text)
        if not match:
            continue
        rest = match["rest"] or (
            sentences[position + 1].text if position + 1 < len(sentences) else ""
        )
        date = _date_alone(rest, max_words=6)
        if date:
            return date, sentence
    for sentence in sentences:
        if sentence.line_start:
            # "Riverside Medical School news | October 2023": a date in its own segment.
            for segment in re.split(r"\s[|·]\s|\s[–—]\s", sentence.text):
                date = _date_alone(segment, max_words=3)
                if date:
                    return date, sentence
    return None, None


def _date_alone(text, max_words):
    mentions = [
        mention for mention in find_dates(text) if mention.date is not None and not mention.relative
    ]
    if not mentions:
        return None
    first = mentions[0]
    rest = text[: first.start] + text[first.end :]
    if len(re.findall(r"[A-Za-z]{2,}", rest)) > max_words:
        return None
    if first.date.precision == DatePrecision.YEAR and not re.fullmatch(r"\W*\d{4}\W*", text):
        return None
    return first.date
