"""People and the positions they held."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .common import (
    PUBLISHED_HELP,
    SEARCH_COLUMNS,
    Cited,
    DatePrecision,
    KeepsOldAddresses,
    NamedInTwoLanguages,
    NaturalKeyMixin,
    NaturalKeyQuerySet,
    TimeStamped,
    clean_partial_date,
    format_partial_date,
    partial_date_constraint,
    record_history,
    slug_address,
)
from .querysets import PersonQuerySet


class NameOrder(models.TextChoices):
    FAMILY_FIRST = "family_first", _("Family name first (Wang Chen)")
    GIVEN_FIRST = "given_first", _("Given name first (Nancy Ip)")


class Person(NamedInTwoLanguages, KeepsOldAddresses, NaturalKeyMixin, TimeStamped):
    ADDRESSED_AS = "person"
    ENGLISH_NAME = "display_name"
    CHINESE_NAME = "native_name"
    # Native script, Simplified or Traditional (Hong Kong names): tagged as Chinese only.
    CHINESE_TAG = "zh"

    slug = models.SlugField(verbose_name=_("slug"), max_length=120, unique=True)
    family_name = models.CharField(verbose_name=_("family name"), max_length=100)
    given_name = models.CharField(verbose_name=_("given name"), max_length=100, blank=True)
    name_order = models.CharField(
        verbose_name=_("name order"),
        max_length=16,
        choices=NameOrder,
        default=NameOrder.FAMILY_FIRST,
    )
    native_name = models.CharField(
        verbose_name=_("native name"),
        max_length=100,
        blank=True,
        help_text=_("Name in its native script, only where certain."),
    )
    honorifics = models.CharField(
        verbose_name=_("honorifics"),
        max_length=100,
        blank=True,
        help_text=_("Titles the sources use (Prof., Academician); not part of the name."),
    )
    published = models.BooleanField(
        _("public on its own"),
        default=True,
        db_default=True,
        help_text=PUBLISHED_HELP,
    )
    # Derived (the write path, ``querysets.refresh_public_flags``): shown to readers, as
    # ``querysets.public_rule`` decides.
    is_public = models.BooleanField(default=False, db_default=False, editable=False)
    # Derived (search_documents.py): the pinyin of the Chinese name, for the Chinese order.
    name_pinyin = models.CharField(max_length=1000, blank=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)
    # Weighted full-text vector, maintained on PostgreSQL only (stays empty on SQLite).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PersonQuerySet.as_manager()
    history = record_history(*SEARCH_COLUMNS, "name_pinyin", "is_public")

    class Meta:
        verbose_name = _("person")
        ordering = ["family_name", "given_name"]
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name_idx"),
            # The few rows whose is_public a write can change (querysets.refresh_public_flags).
            models.Index(
                fields=["id"],
                condition=Q(is_public=False) | Q(published=False),
                name="person_flag_todo_idx",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.name_order == NameOrder.GIVEN_FIRST:
            parts = (self.given_name, self.family_name)
        else:
            parts = (self.family_name, self.given_name)
        return " ".join(part for part in parts if part)

    def get_absolute_url(self):
        return slug_address("person-detail", self.slug)


class PersonName(NaturalKeyMixin, Cited):
    """Another way a source prints the person's name (FU Wei, Wei Fu), or the name of a
    record merged into this one."""

    NATURAL_KEY = ("person__slug", "name")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="other_names"
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["person", "name"]
        verbose_name = _("other name of a person")
        verbose_name_plural = _("other names of people")
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="person_name_unique"),
        ]

    def __str__(self):
        return self.name


class Position(NaturalKeyMixin, Cited):
    """A title a person held at an institution, as of the date a source reports it."""

    NATURAL_KEY = ("person__slug", "institution__slug", "title", "as_of")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions"
    )
    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    title = models.CharField(
        verbose_name=_("title"), max_length=200, help_text=_("E.g. President, Party Secretary.")
    )
    as_of = models.DateField(
        verbose_name=_("as of"),
        null=True,
        blank=True,
        help_text=_("When a source reports it held."),
    )
    as_of_precision = models.CharField(
        verbose_name=_("as of precision"),
        max_length=8,
        choices=DatePrecision,
        default=DatePrecision.UNKNOWN,
    )
    start_date = models.DateField(
        verbose_name=_("start date"), null=True, blank=True, help_text=_("Only when a source says.")
    )
    end_date = models.DateField(
        verbose_name=_("end date"), null=True, blank=True, help_text=_("Only when a source says.")
    )

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["person", "-as_of", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "institution", "title", "as_of"],
                name="position_unique_per_date",
            ),
            models.UniqueConstraint(
                fields=["person", "institution", "title"],
                condition=Q(as_of__isnull=True),
                name="position_unique_undated",
            ),
            partial_date_constraint("as_of", "as_of_precision", "position_as_of_precision"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="position_ends_after_start",
                violation_error_message=_("A position cannot end before it starts."),
            ),
        ]

    def __str__(self):
        # The date tells two positions of one person apart when choosing one.
        return f"{self.person} — {self.title}, {self.institution} (as of {self.as_of_display})"

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)

    @property
    def as_of_known(self):
        """Whether the source dates the position: an undated one says nothing of when."""
        return self.as_of is not None and self.as_of_precision != DatePrecision.UNKNOWN

    def clean(self):
        clean_partial_date(self.as_of, self.as_of_precision, "as_of", "as_of_precision")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A position cannot end before it starts.")})
