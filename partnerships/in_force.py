"""Whether an agreement is in force: computed from what the source states, never guessed.

The end of an agreement is the first day it no longer applies. From a signing date and a
term it is known only as precisely as the date: signed in 2024 for three years, it ends
some day of 2027. So the end is a window of days, ``[earliest, latest]``, and today's
status follows from it: before the window, in force; on or after its last day, ended;
inside it (or with no window at all), unknown. An end or renewal date that an editor
enters with its evidence replaces the computed window.
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.db import models
from django.db.models import F, Func, Q
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, ngettext, pgettext_lazy

from .models.common import DatePrecision, format_partial_date


class InForce(models.TextChoices):
    IN_FORCE = "in_force", pgettext_lazy("agreement status", "In force")
    ENDED = "ended", pgettext_lazy("agreement status", "Ended")
    UNKNOWN = "unknown", pgettext_lazy("agreement status", "Unknown")


def add_months(day, months):
    """``day`` moved by whole months; a day the target month lacks becomes its last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def period(day, precision):
    """The first and last days a partial date may mean: a year is 1 January to 31 December."""
    if day is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    if precision == DatePrecision.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


@dataclass(frozen=True)
class EndWindow:
    earliest: datetime.date
    latest: datetime.date

    @property
    def precision(self):
        if self.earliest == self.latest:
            return DatePrecision.DAY
        if period(self.earliest, DatePrecision.MONTH) == (self.earliest, self.latest):
            return DatePrecision.MONTH
        if period(self.earliest, DatePrecision.YEAR) == (self.earliest, self.latest):
            return DatePrecision.YEAR
        return None  # a window across months: told as "between … and …"

    @property
    def whole_months(self):
        return self.earliest.day == 1 and period(self.latest, DatePrecision.MONTH)[1] == self.latest

    @property
    def iso(self):
        """ISO 8601: 2026-05-18, 2026-05, 2027, or an interval 2025-07/2026-06."""
        precision = self.precision
        if precision == DatePrecision.DAY:
            return self.earliest.isoformat()
        if precision == DatePrecision.MONTH:
            return f"{self.earliest:%Y-%m}"
        if precision == DatePrecision.YEAR:
            return f"{self.earliest.year:04d}"
        if self.whole_months:
            return f"{self.earliest:%Y-%m}/{self.latest:%Y-%m}"
        return f"{self.earliest.isoformat()}/{self.latest.isoformat()}"

    @property
    def display(self):
        """In words, with its preposition: "on 18 May 2026", "during 2027", "between …".

        Whole phrases in the catalogue, dates at their precision in the reader's language
        (于2026年5月18日, 于2027年内).
        """
        precision = self.precision
        if precision == DatePrecision.DAY:
            return gettext("on %(date)s") % {"date": format_partial_date(self.earliest, precision)}
        if precision is not None:
            return gettext("during %(date)s") % {
                "date": format_partial_date(self.earliest, precision)
            }
        shown = DatePrecision.MONTH if self.whole_months else DatePrecision.DAY
        return gettext("between %(earliest)s and %(latest)s") % {
            "earliest": format_partial_date(self.earliest, shown),
            "latest": format_partial_date(self.latest, shown),
        }


@dataclass(frozen=True)
class Status:
    status: str  # an InForce value
    # The reason in words, built when first read: a list card shows only the status, and
    # twenty sentences with their dates formatted cost a list page for nothing.
    explain: Callable[[], str] = field(repr=False, compare=False)
    end: EndWindow | None = None
    end_stated: bool = False  # the end comes from an editor's date and its source
    # What the reason depends on (the dates, the term and today): the same inputs in the
    # same language give the same words, which are then written once, not once per row.
    inputs: tuple | None = field(default=None, repr=False, compare=False)

    @cached_property
    def reason(self):
        if self.inputs is None:
            return self.explain()
        key = (self.inputs, get_language())
        words = _REASONS.get(key)
        if words is None:
            if len(_REASONS) >= REASONS_KEPT:
                _REASONS.clear()
            words = _REASONS[key] = self.explain()
        return words

    @property
    def label(self):
        return InForce(self.status).label

    @property
    def card_label(self):
        """Short enough for a list card; the detail page gives the reason."""
        if self.status == InForce.UNKNOWN:
            return gettext("In force: not known")
        return self.label

    @property
    def expected_end(self):
        return self.end.iso if self.end else None


def term_words(months):
    years, rest = divmod(months, 12)
    if rest == 0:
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}


# Reasons already written, by inputs and language (``Status.reason``): a 10,000-row
# download has about 2,400 different ones, and writing each took six translations and
# two formatted dates (half of the download's time).
_REASONS = {}
REASONS_KEPT = 20_000


def status_of(
    signed_on,
    signed_on_precision,
    term_months,
    ends_on=None,
    ends_on_precision=DatePrecision.UNKNOWN,
    today=None,
):
    """The agreement's status today, its expected end and the reason, in words."""
    today = today or timezone.localdate()
    inputs = (signed_on, signed_on_precision, term_months, ends_on, ends_on_precision, today)
    return replace(_status_of(*inputs), inputs=inputs)


def _status_of(signed_on, signed_on_precision, term_months, ends_on, ends_on_precision, today):
    stated = period(ends_on, ends_on_precision)
    signed = period(signed_on, signed_on_precision)
    if stated:
        end = EndWindow(*stated)
        return _judge(
            end,
            today,
            lambda: gettext("A source states that it ends %(end)s") % {"end": end.display},
            end_stated=True,
        )
    if signed is None:
        return Status(
            InForce.UNKNOWN,
            lambda: gettext("The signing date is not stated, so its end is unknown."),
        )

    def signed_words():
        when = {"date": format_partial_date(signed_on, signed_on_precision)}
        if signed_on_precision == DatePrecision.DAY:
            return gettext("Signed on %(date)s") % when
        return gettext("Signed in %(date)s") % when

    if not term_months:
        return Status(
            InForce.UNKNOWN,
            lambda: (
                gettext("%(signed)s; no term is stated, so its end is unknown.")
                % {"signed": signed_words()}
            ),
        )
    end = EndWindow(add_months(signed[0], term_months), add_months(signed[1], term_months))
    return _judge(
        end,
        today,
        lambda: (
            gettext("%(signed)s for %(term)s: ends %(end)s")
            % {"signed": signed_words(), "term": term_words(term_months), "end": end.display}
        ),
    )


def _judge(end, today, reason, end_stated=False):
    """``reason``: a callable giving the reason's words, without the sentence's end."""
    # The sentence ends in the catalogue too: Chinese closes it with 。, not a full stop.
    if today < end.earliest:
        status, sentence = InForce.IN_FORCE, gettext_noop("%(reason)s.")
    elif today >= end.latest:
        status, sentence = InForce.ENDED, gettext_noop("%(reason)s.")
    else:
        status = InForce.UNKNOWN
        sentence = gettext_noop("%(reason)s, so it may or may not be in force today.")
    return Status(status, lambda: gettext(sentence) % {"reason": reason()}, end, end_stated)


def status_of_agreement(agreement, today=None):
    return status_of(
        agreement.signed_on,
        agreement.signed_on_precision,
        agreement.term_months,
        agreement.ends_on,
        agreement.ends_on_precision,
        today,
    )


class AddMonths(Func):
    """``date + months`` in SQL, for the "in force today" filter (PostgreSQL and SQLite)."""

    output_field = models.DateField()
    arity = 2

    def _arguments(self, compiler):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        return date_sql, months_sql, [*date_params, *months_params]

    def as_sql(self, compiler, connection, **extra_context):
        # SQLite rolls a day the target month lacks over into the next month (31 January
        # + 1 month is 2 or 3 March); Python and PostgreSQL take the month's last day.
        # The smaller of the rolled date and the target month's last day agrees with both.
        date_sql, months_sql, params = self._arguments(compiler)
        rolled = f"date({date_sql}, '+' || {months_sql} || ' months')"
        next_month = f"'+' || ({months_sql} + 1) || ' months'"
        last_day = f"date({date_sql}, 'start of month', {next_month}, '-1 day')"
        return f"min({rolled}, {last_day})", [*params, *params]

    def as_postgresql(self, compiler, connection, **extra_context):
        date_sql, months_sql, params = self._arguments(compiler)
        return f"({date_sql} + make_interval(months => {months_sql}::integer))::date", params


def in_force_condition(today=None):
    """A ``Q`` of agreements in force on ``today``: the rule of :func:`status_of` in SQL.

    In force means the end window starts after today. A stated end is stored as the
    first day of its period; the computed window starts on the signing period's first
    day (the stored date) plus the term.
    """
    today = today or timezone.localdate()
    stated = Q(ends_on__isnull=False, ends_on__gt=today)
    computed = Q(
        GreaterThan(AddMonths(F("signed_on"), F("term_months")), today),
        ends_on__isnull=True,
        signed_on__isnull=False,
        term_months__isnull=False,
    )
    return stated | computed
