"""Building blocks shared by the models: dates of varying precision and citations."""

import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _

NOT_STATED = gettext_lazy("Not stated")


class AgreementStatus(models.TextChoices):
    """Only published agreements are shown to readers; drafts are for editors."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# Institutions and people: who sees a record is decided by ``querysets.public_condition``.
PUBLISHED_HELP = _(
    "Shown to readers even while it belongs to no published agreement. Records created "
    "while curating start unticked: they become public with the first published agreement "
    "they belong to (as a party, on whose behalf someone signed, or through a participant)."
)


class DatePrecision(models.TextChoices):
    """How much of a date a source actually states.

    The date column keeps the first day of the stated period (a year is stored as
    1 January), so that sorting and range filters work; the precision says how much
    of it is real. ``UNKNOWN`` goes with an empty date.
    """

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Not stated")


def format_partial_date(value, precision):
    """Write a date only as precisely as the source states it, in the reader's language.

    "2024", "December 2023", "18 May 2023"; in Chinese 2024年, 2023年12月, 2023年5月18日.
    The formats are Django date formats kept in the translation catalogue.
    """
    # Remembered per language: a download writes thousands of dates, most of them many
    # times, and Django's date formatting took a fifth of a 10,000-row CSV. Room for every
    # day of 45 years in both languages (a few MB): with 4,096, pages of 100,000
    # agreements signed over 30 years found one date in ten remembered.
    return _formatted_date(value, precision, get_language())


@lru_cache(maxsize=32_768)
def _formatted_date(value, precision, language):
    if value is None or precision == DatePrecision.UNKNOWN:
        return gettext("Not stated")
    if precision == DatePrecision.YEAR:
        return dateformat.format(value, pgettext("date known to the year", "Y"))
    if precision == DatePrecision.MONTH:
        return dateformat.format(value, pgettext("date known to the month", "F Y"))
    return dateformat.format(value, pgettext("date known to the day", "j F Y"))


def choice_label(choices, code, default=""):
    """The label of ``code`` among ``choices`` (a ``TextChoices`` class) in the reader's
    language, as ``get_<field>_display()`` writes it, or ``default``. Each language's
    labels are translated once: a list page, a network and a download ask per record."""
    return _translated_choices(choices, get_language()).get(code, default)


@lru_cache(maxsize=64)
def _translated_choices(choices, language):
    return {code: str(label) for code, label in choices.choices}


def partial_date_iso(value, precision):
    """ISO 8601 reduced precision form: "2024", "2023-12", "2023-12-25", or ``None``."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def partial_date_constraint(date_field, precision_field, name):
    """A date and its precision agree: no date means unknown; a year is 1 January; a month day 1."""
    # Every branch tests the date for NULL explicitly: a CHECK that evaluates to NULL passes.
    has_date = Q(**{f"{date_field}__isnull": False})
    first_of_month = has_date & Q(**{f"{date_field}__day": 1})
    return models.CheckConstraint(
        condition=(
            (Q(**{f"{date_field}__isnull": True}) & Q(**{precision_field: DatePrecision.UNKNOWN}))
            | (has_date & Q(**{precision_field: DatePrecision.DAY}))
            | (first_of_month & Q(**{precision_field: DatePrecision.MONTH}))
            | (
                first_of_month
                & Q(**{f"{date_field}__month": 1})
                & Q(**{precision_field: DatePrecision.YEAR})
            )
        ),
        name=name,
        violation_error_message=(
            _(
                "The date and its precision disagree: leave the date empty when it is not stated, "
                "store a month as its first day and a year as 1 January."
            )
        ),
    )


def clean_partial_date(value, precision, field_name, precision_name):
    """The rule of :func:`partial_date_constraint`, in words an editor understands."""
    if value is None and precision != DatePrecision.UNKNOWN:
        raise ValidationError(
            {field_name: _("Enter the date, or set its precision to “Not stated”.")}
        )
    if value is not None and precision == DatePrecision.UNKNOWN:
        raise ValidationError(
            {precision_name: _("Say whether the source gives the day, the month or only the year.")}
        )
    if value is not None and precision == DatePrecision.MONTH and value.day != 1:
        raise ValidationError(
            {field_name: _("Only the month is known: store it as the first day of that month.")}
        )
    if value is not None and precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        raise ValidationError(
            {field_name: _("Only the year is known: store it as 1 January of that year.")}
        )


class DirectoryQuerySet(models.QuerySet):
    """The base of every directory model's QuerySet: ``update()`` and ``bulk_create()``,
    which send no model signals, report their rows to the write path (``write_path.py``)
    so that search text and cached pages follow them once the transaction commits."""

    def update(self, **kwargs):
        if "slug" in kwargs and issubclass(self.model, KeepsOldAddresses):
            # A changed slug leaves a redirect from the old address, as a save does.
            from partnerships.curation.addresses import remember_old_slugs

            old_slugs = dict(self.values_list("pk", "slug"))
            updated = self._update_and_report(**kwargs)
            remember_old_slugs(self.model, old_slugs, self.db)
            return updated
        return self._update_and_report(**kwargs)

    def _update_and_report(self, **kwargs):
        from partnerships import write_path

        if set(kwargs) <= write_path.DERIVED_FIELDS:
            return super().update(**kwargs)
        if "updated_at" not in kwargs and issubclass(self.model, TimeStamped):
            # As a save would: the rows changed now (unless the caller says when).
            kwargs["updated_at"] = timezone.now()
        foreign_keys = write_path.foreign_key_attributes(self.model)
        before = list(self.values("pk", *foreign_keys))
        updated = super().update(**kwargs)
        if len(before) > write_path.WHOLE_TABLE_THRESHOLD:
            write_path.report_model(self.model, self.db, rows=before)
            return updated
        rows = before
        # An update that writes an owner's key moves rows from one owner to another:
        # read the new owners too. Otherwise the owners are those read before.
        if {key.removesuffix("_id") for key in foreign_keys} & {
            key.removesuffix("_id") for key in kwargs
        }:
            rows = before + list(
                self.model._base_manager.using(self.db)
                .filter(pk__in=[row["pk"] for row in before])
                .values("pk", *foreign_keys)
            )
        own_only = not write_path.quotes_changed(self.model, kwargs)
        write_path.report_rows(self.model, rows, self.db, own_only)
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        from partnerships import write_path

        created = super().bulk_create(objs, *args, **kwargs)
        if any(obj.pk is None for obj in created) and "pk" in write_path.attributes(self.model):
            # Without returned ids (ignore_conflicts), which rows are new is unknown
            # (their owners are known: the rows carry their keys).
            write_path.report_model(self.model, self.db, rows=created)
        else:
            # New records are quoted nowhere yet: their own documents suffice.
            write_path.report_rows(self.model, created, self.db, own_only=True)
        return created


class NaturalKeyQuerySet(DirectoryQuerySet):
    """Looks records up by the model's ``NATURAL_KEY`` so fixtures can say slugs, not ids."""

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.model.NATURAL_KEY, values, strict=True)))


class NaturalKeyMixin:
    """``natural_key()`` from ``NATURAL_KEY``, a tuple of lookups such as ``"agreement__slug"``.

    Reloading a fixture then updates the same rows instead of adding new ones.
    """

    NATURAL_KEY: tuple[str, ...] = ("slug",)

    def natural_key(self):
        values = []
        for path in self.NATURAL_KEY:
            value = self
            for attribute in path.split("__"):
                value = getattr(value, attribute) if value is not None else None
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        return tuple(values)


class UpdatedAtField(models.DateTimeField):
    """Stamps every save, like ``auto_now``, but also has a default for raw fixture loads.

    ``auto_now`` fields are skipped by fixture loading and would be left empty.
    """

    def pre_save(self, model_instance, add):
        if add and getattr(model_instance, self.attname) is not None:
            # A new row keeps the time it was given: its default (when it was made), or
            # the time a loader restores (``bulk_create`` of a dump).
            return getattr(model_instance, self.attname)
        value = timezone.now()
        setattr(model_instance, self.attname, value)
        return value


class TimeStamped(models.Model):
    created_at = models.DateTimeField(
        verbose_name=_("created at"), default=timezone.now, editable=False
    )
    updated_at = UpdatedAtField(verbose_name=_("updated at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Cited(models.Model):
    """A fact read from a source, with the sentence it was read from kept beside it."""

    source = models.ForeignKey(
        "partnerships.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The document this fact was read from."),
    )
    quote = models.TextField(
        verbose_name=_("quote"),
        blank=True,
        help_text=_("The sentence of the source that states this fact, copied verbatim."),
    )

    class Meta:
        abstract = True


WEB_SCHEMES = ("http", "https")


class WebURLField(models.URLField):
    """An http(s) address, or empty: never ``javascript:``, ``data:`` or ``ftp:``.

    Forms and ``full_clean()`` refuse other schemes; :func:`web_url_constraint` refuses
    them in the database too, for rows written through the ORM or restored from a backup.
    """

    default_validators = [URLValidator(schemes=WEB_SCHEMES)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)


def web_url(value):
    """``value`` if it is an http(s) address, else ``""``: only those become links."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


def web_url_constraint(field, name):
    """The database's half of :class:`WebURLField`: empty or starting http:// or https://."""
    return models.CheckConstraint(
        condition=Q(**{field: ""})
        | Q(**{f"{field}__startswith": "http://"})
        | Q(**{f"{field}__startswith": "https://"}),
        name=name,
        violation_error_message=_(
            "Only web addresses starting with http:// or https:// are stored."
        ),
    )


def record_history(*excluded_fields):
    """Every save and delete of the model kept as a row of its history table, with who
    made it (django-simple-history). Derived columns (search text) are left out: they
    change with other records and say nothing an editor did."""
    from simple_history.models import HistoricalRecords

    return HistoricalRecords(excluded_fields=list(excluded_fields))


# Derived or automatic columns: no history of their own.
SEARCH_COLUMNS = ("search_document", "search_vector", "updated_at")

CHINESE = "zh-hans"


def reads_chinese():
    """Whether the active language (the reader's) is Simplified Chinese."""
    return (get_language() or "").lower() == CHINESE


class NamedInTwoLanguages:
    """A record with an English name and, where stored, a Chinese one.

    Pages show the name in the reader's language, falling back to the other one, and the
    other beside it; each carries its language tag so that it is read and shaped right.
    """

    ENGLISH_NAME = "name"
    CHINESE_NAME = "name_zh_hans"
    # The tag of the stored Chinese text: zh-Hans where it is known to be Simplified.
    CHINESE_TAG = "zh-Hans"

    def names_for_reader(self, in_chinese=None):
        """``[(text, language tag), …]``: the reader's name first, then the other, if any.
        ``in_chinese``: whether the reader reads Chinese, when the caller knows already."""
        if in_chinese is None:
            in_chinese = reads_chinese()
        english = (getattr(self, self.ENGLISH_NAME) or "", "en")
        chinese = (getattr(self, self.CHINESE_NAME) or "", self.CHINESE_TAG)
        names = [chinese, english] if in_chinese else [english, chinese]
        return [name for name in names if name[0]]

    @property
    def reader_name(self):
        """The name in the reader's language, else the other one."""
        names = self.names_for_reader()
        return names[0][0] if names else ""


class KeepsOldAddresses:
    """Remembers the slug a record was loaded with, so that a changed slug can leave a
    permanent redirect from the old address (see ``partnerships.curation.addresses``)."""

    ADDRESSED_AS = ""  # An ``AddressedModel`` value.

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SLUG_MARK = "0slug0"


@lru_cache(maxsize=256)
def _address_pattern(view_name, _language, _prefix, _urlconf):
    return reverse(view_name, kwargs={"slug": _SLUG_MARK})


def slug_address(view_name, slug):
    """``reverse(view_name, kwargs={"slug": slug})``, reversed once per view and language:
    a list page links a hundred records, and resolving each address took a fifth of the
    time a card took to draw. A slug is written in an address as it is, so only the
    pattern depends on what ``reverse`` knows (language prefix, script prefix, URLconf)."""
    return slug_addresses(view_name)(slug)


def slug_addresses(view_name):
    """``slug_address`` for ``view_name`` as a function of the slug, reading what the
    address depends on (language, script prefix, URLconf) once, not once per link."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    pattern = _address_pattern(view_name, get_language(), get_script_prefix(), urlconf)

    def address(slug):
        if not _SLUG.fullmatch(slug or ""):
            return reverse(view_name, kwargs={"slug": slug})  # its own error or quoting
        return pattern.replace(_SLUG_MARK, slug, 1)

    return address
