"""Institutions: universities, hospitals, academies… with their other names and links."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .common import (
    PUBLISHED_HELP,
    SEARCH_COLUMNS,
    Cited,
    KeepsOldAddresses,
    NamedInTwoLanguages,
    NaturalKeyMixin,
    NaturalKeyQuerySet,
    TimeStamped,
    WebURLField,
    record_history,
    slug_address,
    web_url_constraint,
)
from .querysets import InstitutionQuerySet


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    MEDICAL_UNIVERSITY = "medical_university", _("Medical university or college")
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_SYSTEM = (
        "health_system",
        _("Health system (NHS trust, Hospital and Health Service, health network)"),
    )
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ACADEMY = "academy", _("Academy")
    SCHOOL = "school", _("School or faculty")
    GOVERNMENT = "government", _("Government body")
    BOARD = "board", _("Board or committee")
    OTHER = "other", _("Other")


def country_choices():
    """Countries as ISO 3166 names them (django-countries): a controlled list, stored by
    English name so that filters, downloads and the API keep "China"; the label is the
    name in the reader's language (中国 in the Chinese admin)."""
    with translation.override("en"):
        english = [(code, str(name)) for code, name in countries]
    return [(name, _country_label(code)) for code, name in english]


_country_label = lazy(lambda code: str(countries.name(code)), str)


def normalise_country(text):
    """The ISO 3166 name of a country written another way ("china", "GB"), or ``None``."""
    text = text.strip()
    code = countries.by_name(text) or (text.upper() if text.upper() in countries else None)
    return str(countries.name(code)) if code else None


class Institution(NamedInTwoLanguages, KeepsOldAddresses, NaturalKeyMixin, TimeStamped):
    ADDRESSED_AS = "institution"

    slug = models.SlugField(verbose_name=_("slug"), max_length=120, unique=True)
    name = models.CharField(
        _("full name"), max_length=255, help_text=_("The official English name.")
    )
    kind = models.CharField(
        verbose_name=_("kind"), max_length=32, choices=InstitutionKind, db_index=True
    )
    city = models.CharField(verbose_name=_("city"), max_length=100, blank=True, db_index=True)
    region = models.CharField(
        verbose_name=_("region"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_(
            "State, province, county or region as used locally (Queensland, "
            "Greater Manchester, Guangdong, Hong Kong SAR)."
        ),
    )
    country = models.CharField(
        verbose_name=_("country"),
        max_length=100,
        blank=True,
        db_index=True,
        choices=country_choices,
        help_text=_("As ISO 3166 names it (China, United Kingdom, Australia)."),
    )
    website = WebURLField(verbose_name=_("website"))
    ror_id = models.CharField(
        _("ROR ID"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^0[a-z0-9]{6}[0-9]{2}$", "A ROR ID looks like 05qbk4x57.")],
        help_text=_("Only when verified in the ROR registry (e.g. 05qbk4x57)."),
    )
    wikidata_id = models.CharField(
        _("Wikidata ID"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata ID looks like Q15568.")],
        help_text=_("Only when verified on Wikidata (e.g. Q15568)."),
    )
    description = models.TextField(verbose_name=_("description"), blank=True)
    published = models.BooleanField(
        _("public on its own"),
        default=True,
        db_default=True,
        help_text=PUBLISHED_HELP,
    )
    # Derived (the write path, ``querysets.refresh_public_flags``): shown to readers, as
    # ``querysets.public_rule`` decides.
    is_public = models.BooleanField(default=False, db_default=False, editable=False)
    # Derived from the names (search_documents.py): the Simplified Chinese label, and its
    # pinyin, which pinyin search and the Chinese name order use.
    name_zh_hans = models.CharField(
        verbose_name=_("name in Simplified Chinese"), max_length=255, blank=True, editable=False
    )
    name_pinyin = models.CharField(max_length=1000, blank=True, editable=False)
    search_document = models.TextField(
        blank=True, editable=False, help_text=_("Names, other names and place, for search.")
    )
    # Weighted full-text vector, maintained on PostgreSQL only (stays empty on SQLite).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = InstitutionQuerySet.as_manager()
    history = record_history(*SEARCH_COLUMNS, "name_zh_hans", "name_pinyin", "is_public")

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="institution_name_idx"),
            # The few rows whose is_public a write can change (querysets.refresh_public_flags).
            models.Index(
                fields=["id"],
                condition=Q(is_public=False) | Q(published=False),
                name="institution_flag_todo_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ror_id"], condition=~Q(ror_id=""), name="institution_ror_id_unique"
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="institution_wikidata_id_unique",
            ),
            web_url_constraint("website", "institution_website_http"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("institution-detail", self.slug)

    def other_names_for_reader(self):
        """``[(name, language tag)]`` beside the reader's name: the name in the other
        language, then the other typed names (acronyms, aliases), each once."""
        names = self.names_for_reader()
        shown = {text for text, _tag in names}
        return names[1:] + [
            (other.name, other.language or "en")
            for other in self.names.all()
            if other.name not in shown
        ]

    @property
    def place(self):
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


class InstitutionNameType(models.TextChoices):
    """As the ROR registry types names."""

    ACRONYM = "acronym", _("Acronym")
    ALIAS = "alias", _("Alias")
    LABEL = "label", _("Label in another language")


class InstitutionName(NaturalKeyMixin, Cited):
    NATURAL_KEY = ("institution__slug", "name", "name_type")

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField(verbose_name=_("name"), max_length=255)
    name_type = models.CharField(_("type"), max_length=16, choices=InstitutionNameType)
    language = models.CharField(
        verbose_name=_("language"),
        max_length=16,
        blank=True,
        help_text=_("BCP 47 language tag of the name (en, zh-Hans, zh-Hant); empty for acronyms."),
    )

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        verbose_name_plural = _("other names")
        ordering = ["name_type", "name"]
        verbose_name = _("other name")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name", "name_type"], name="institution_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="institution_othername_idx")]

    def __str__(self):
        return f"{self.name} ({self.get_name_type_display()})"


class InstitutionRelationType(models.TextChoices):
    """ROR's parent/child/related links, read from the subject's side."""

    PART_OF = "part_of", _("is part of")
    AFFILIATED_WITH = "affiliated_with", _("is affiliated with")
    RELATED = "related", _("is related to")


class InstitutionRelation(NaturalKeyMixin, Cited):
    NATURAL_KEY = ("subject__slug", "relation_type", "object__slug")

    subject = models.ForeignKey(
        Institution,
        verbose_name=_("subject"),
        on_delete=models.CASCADE,
        related_name="relations_from",
    )
    relation_type = models.CharField(
        verbose_name=_("relation type"), max_length=20, choices=InstitutionRelationType
    )
    object = models.ForeignKey(
        Institution, verbose_name=_("object"), on_delete=models.CASCADE, related_name="relations_to"
    )

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        verbose_name = _("institution relation")
        verbose_name_plural = _("institution relations")
        ordering = ["subject__name", "relation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "relation_type", "object"], name="institution_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(subject=F("object")),
                name="institution_relation_not_self",
                violation_error_message=_("An institution cannot be linked to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.subject} {self.get_relation_type_display()} {self.object}"

    def clean(self):
        if self.subject_id and self.subject_id == self.object_id:
            raise ValidationError({"object": _("An institution cannot be linked to itself.")})
