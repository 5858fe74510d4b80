"""Agreements, their parties, who did what at the signing, and what they set up."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .common import (
    SEARCH_COLUMNS,
    AgreementStatus,
    Cited,
    DatePrecision,
    KeepsOldAddresses,
    NamedInTwoLanguages,
    NaturalKeyMixin,
    NaturalKeyQuerySet,
    TimeStamped,
    choice_label,
    clean_partial_date,
    format_partial_date,
    partial_date_constraint,
    partial_date_iso,
    record_history,
    slug_address,
)
from .querysets import AgreementQuerySet

MIN_PARTIES_TO_PUBLISH = 2


class AgreementKind(models.TextChoices):
    STRATEGIC_COOPERATION = "strategic_cooperation", _("Strategic cooperation agreement")
    CO_ESTABLISHMENT = "co_establishment", _("Agreement to co-establish an institute or school")
    COOPERATION = "cooperation", _("Cooperation agreement")
    MEMORANDUM = "memorandum", _("Memorandum of understanding")
    OTHER = "other", _("Other")


class Agreement(NamedInTwoLanguages, KeepsOldAddresses, NaturalKeyMixin, TimeStamped):
    ADDRESSED_AS = "agreement"
    ENGLISH_NAME = "title"
    CHINESE_NAME = "title_zh_hans"

    slug = models.SlugField(verbose_name=_("slug"), max_length=160, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=300)
    title_zh_hans = models.CharField(
        _("title in Simplified Chinese"),
        max_length=300,
        blank=True,
        help_text=_("Optional: shown to readers of the Chinese pages, the English title beside."),
    )
    kind = models.CharField(
        verbose_name=_("kind"), max_length=32, choices=AgreementKind, db_index=True
    )
    signed_on = models.DateField(
        verbose_name=_("signed on"),
        null=True,
        blank=True,
        help_text=_("First day of the stated period: a month is its 1st, a year is 1 January."),
    )
    signed_on_precision = models.CharField(
        _("precision of the signing date"),
        max_length=8,
        choices=DatePrecision,
        default=DatePrecision.UNKNOWN,
    )
    place = models.CharField(
        verbose_name=_("place"),
        max_length=200,
        blank=True,
        help_text=_("Venue as the source names it, e.g. Ruxin Conference Center."),
    )
    city = models.CharField(verbose_name=_("city"), max_length=100, blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"),
        null=True,
        blank=True,
        help_text=_("Only when the source states a term."),
    )
    ends_on = models.DateField(
        _("end or renewal date"),
        null=True,
        blank=True,
        help_text=_(
            "Only when a source states when the agreement ends or was renewed until; "
            "it then replaces the end computed from the signing date and the term."
        ),
    )
    ends_on_precision = models.CharField(
        _("precision of the end date"),
        max_length=8,
        choices=DatePrecision,
        default=DatePrecision.UNKNOWN,
    )
    ends_on_source = models.ForeignKey(
        "partnerships.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source of the end date"),
    )
    ends_on_quote = models.TextField(
        _("sentence stating the end date"),
        blank=True,
        help_text=_("The sentence of the source that states the end or renewal, copied verbatim."),
    )
    summary = models.TextField(verbose_name=_("summary"), blank=True)
    # The agreement's own facts carry their evidence too; parties, people and fields carry
    # theirs on their own rows.
    evidence_source = models.ForeignKey(
        "partnerships.Source",
        verbose_name=_("evidence source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The document the title, date, place and term below were read from."),
    )
    title_quote = models.TextField(
        verbose_name=_("title quote"),
        blank=True,
        help_text=_("The sentence naming the agreement, copied verbatim."),
    )
    signed_on_quote = models.TextField(
        verbose_name=_("signed on quote"),
        blank=True,
        help_text=_("The sentence stating when it was signed, copied verbatim."),
    )
    place_quote = models.TextField(
        verbose_name=_("place quote"),
        blank=True,
        help_text=_("The sentence stating where it was signed, copied verbatim."),
    )
    term_quote = models.TextField(
        verbose_name=_("term quote"),
        blank=True,
        help_text=_("The sentence stating its term, copied verbatim."),
    )
    summary_zh_hans = models.TextField(
        _("summary in Simplified Chinese"),
        blank=True,
        help_text=_("Optional: what the source reports, in Chinese; never a machine translation."),
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=10,
        choices=AgreementStatus,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(
        verbose_name=_("published at"), null=True, blank=True, editable=False
    )
    parties = models.ManyToManyField(
        "partnerships.Institution",
        verbose_name=_("parties"),
        through="AgreementParty",
        related_name="agreements",
    )
    focus_areas = models.ManyToManyField(
        "partnerships.FocusArea",
        verbose_name=_("focus areas"),
        through="AgreementFocusArea",
        related_name="agreements",
    )
    sources = models.ManyToManyField(
        "partnerships.Source",
        verbose_name=_("sources"),
        through="AgreementSource",
        related_name="agreements",
    )
    search_document = models.TextField(blank=True, editable=False)
    # The weighted full-text vector lives in a narrow table of its own (AgreementSearch).
    SEARCH_VECTOR = "search_row__vector"

    objects = AgreementQuerySet.as_manager()
    history = record_history(*(name for name in SEARCH_COLUMNS if name != "search_vector"))

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = [F("signed_on").desc(nulls_last=True), "title"]
        indexes = [
            # On PostgreSQL migration 0014 adds its NULLS LAST twin, in by_signing_date()'s
            # order (SQLite takes no NULLS LAST in an index).
            models.Index(fields=["status", "-signed_on"], name="agreement_status_signed_idx"),
            models.Index(fields=["-published_at"], name="agreement_published_at_idx"),
        ]
        constraints = [
            partial_date_constraint(
                "signed_on", "signed_on_precision", "agreement_signed_precision"
            ),
            partial_date_constraint("ends_on", "ends_on_precision", "agreement_ends_precision"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | (Q(ends_on_source__isnull=False) & ~Q(ends_on_quote="")),
                name="agreement_end_has_evidence",
                violation_error_message="An end or renewal date needs its source and sentence.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(ends_on__gt=F("signed_on")),
                name="agreement_ends_after_signing",
                violation_error_message="An agreement ends after it is signed.",
            ),
            models.CheckConstraint(
                condition=Q(term_months__isnull=True) | Q(term_months__gt=0),
                name="agreement_term_positive",
                violation_error_message=_("A term, when stated, is at least one month."),
            ),
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.DRAFT) | Q(published_at__isnull=False),
                name="agreement_published_has_time",
                violation_error_message=_("A published agreement records when it was published."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_address("agreement-detail", self.slug)

    @property
    def is_published(self):
        return self.status == AgreementStatus.PUBLISHED

    @property
    def kind_label(self):
        """``get_kind_display()``, which translated and hashed every kind's label on each
        call, for one card among twenty on a list page."""
        return choice_label(AgreementKind, self.kind, self.kind)

    @property
    def signed_on_display(self):
        return format_partial_date(self.signed_on, self.signed_on_precision)

    @property
    def signed_on_iso(self):
        return partial_date_iso(self.signed_on, self.signed_on_precision)

    @property
    def term_display(self):
        if not self.term_months:
            return None
        from partnerships.in_force import term_words

        return term_words(self.term_months)

    @cached_property
    def in_force(self):
        """Status today, expected end and the reason in words (see ``in_force.py``)."""
        from partnerships.in_force import status_of_agreement

        return status_of_agreement(self)

    @property
    def ends_on_display(self):
        return format_partial_date(self.ends_on, self.ends_on_precision)

    def clean(self):
        clean_partial_date(
            self.signed_on, self.signed_on_precision, "signed_on", "signed_on_precision"
        )
        clean_partial_date(self.ends_on, self.ends_on_precision, "ends_on", "ends_on_precision")
        if self.ends_on is not None and not (self.ends_on_source_id and self.ends_on_quote.strip()):
            raise ValidationError(
                {
                    "ends_on_quote": "Give the source and the sentence that state the end or "
                    "renewal date, or leave the date empty."
                }
            )
        if self.ends_on and self.signed_on and self.ends_on <= self.signed_on:
            raise ValidationError({"ends_on": "The end date must come after the signing date."})
        if (
            self.is_published
            and self.signed_on_precision != DatePrecision.UNKNOWN
            and not self.signed_on_quote.strip()
        ):
            raise ValidationError(
                {
                    "signed_on_quote": "To publish, quote the sentence of the source that states "
                    "the signing date, or set its precision to “Not stated”."
                }
            )

    def record_publication(self):
        """Stamp the publication time when published, clear it in a draft. Called when the
        publish is saved, never before: a refused publish shows no publication time."""
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        elif not self.is_published:
            self.published_at = None

    def publication_problems(self, parties, source_count):
        """Why this agreement cannot be published yet, in an editor's words.

        ``parties`` are its party rows as they will be saved, ``source_count`` the number
        of its sources. The date's own evidence is checked by :meth:`clean`.
        """
        if not self.is_published:
            return []
        problems = []
        if source_count == 0:
            problems.append(
                "An agreement is published only with its source: add the document it is read "
                "from under “Sources”."
            )
        if len(parties) < MIN_PARTIES_TO_PUBLISH:
            problems.append(
                f"An agreement needs at least {MIN_PARTIES_TO_PUBLISH} parties before it can be "
                f"published; it has {len(parties)}. Add the parties or keep it as a draft."
            )
        unquoted = [str(party.institution) for party in parties if not party.quote.strip()]
        if unquoted:
            problems.append(
                "Quote the sentence of the source that names each party before publishing: "
                f"none for {', '.join(unquoted)}."
            )
        return problems


class AgreementParty(NaturalKeyMixin, Cited):
    NATURAL_KEY = ("agreement__slug", "institution__slug")

    # No single-column indexes: the unique (agreement, institution) constraint and the
    # (institution, agreement) index lead with each column and serve both lookups.
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="party_links",
        db_index=False,
    )
    institution = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="party_links",
        db_index=False,
    )
    order = models.PositiveSmallIntegerField(
        verbose_name=_("order"),
        default=0,
        help_text=_("Order in which the source names the parties."),
    )

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["agreement", "order", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "institution"],
                name="agreement_party_unique",
                violation_error_message=_("This institution is already a party to the agreement."),
            ),
        ]
        indexes = [models.Index(fields=["institution", "agreement"], name="party_institution_idx")]

    def __str__(self):
        return f"{self.institution} — party to {self.agreement}"


class ParticipationRole(models.TextChoices):
    SIGNED = "signed", _("Signed")
    WITNESSED = "witnessed", _("Witnessed")
    PRESIDED = "presided", _("Presided or hosted")
    SPOKE = "spoke", _("Spoke")
    UNVEILED = "unveiled", _("Unveiled the nameplate")
    ATTENDED = "attended", _("Attended")


class Participation(NaturalKeyMixin, Cited):
    """What one person did at an agreement's signing, and in which capacity."""

    NATURAL_KEY = ("agreement__slug", "person__slug", "role")

    # Served by the unique (agreement, person, role) and the (person, agreement) indexes.
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="participations",
        db_index=False,
    )
    person = models.ForeignKey(
        "partnerships.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="participations",
        db_index=False,
    )
    role = models.CharField(
        verbose_name=_("role"), max_length=16, choices=ParticipationRole, db_index=True
    )
    on_behalf_of = models.ForeignKey(
        "partnerships.Institution",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The party the person signed for, when the source says."),
    )
    position = models.ForeignKey(
        "partnerships.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text=_("The title the person held at the ceremony, when the source gives it."),
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        verbose_name = _("person at a signing")
        verbose_name_plural = _("people at signings")
        ordering = ["agreement", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "person", "role"],
                name="participation_unique_role",
                violation_error_message=_("This person already has this role on this agreement."),
            ),
            models.CheckConstraint(
                condition=Q(on_behalf_of__isnull=True) | Q(role=ParticipationRole.SIGNED),
                name="participation_behalf_only_when_signing",
                violation_error_message=_("Only a signatory signs on behalf of a party."),
            ),
        ]
        indexes = [models.Index(fields=["person", "agreement"], name="participation_person_idx")]

    def __str__(self):
        return f"{self.person} — {self.get_role_display().lower()}"

    def clean(self):
        if self.on_behalf_of_id and self.role != ParticipationRole.SIGNED:
            raise ValidationError(
                {"on_behalf_of": _("Only a signatory signs on behalf of a party.")}
            )
        if self.position_id and self.person_id and self.position.person_id != self.person_id:
            raise ValidationError({"position": _("Choose a position held by this person.")})
        if (
            self.on_behalf_of_id
            and self.agreement_id
            and not AgreementParty.objects.filter(
                agreement_id=self.agreement_id, institution_id=self.on_behalf_of_id
            ).exists()
        ):
            raise ValidationError(
                {
                    "on_behalf_of": _(
                        "Choose one of the agreement’s parties: add it as a party first."
                    )
                }
            )


class AgreementFocusArea(NaturalKeyMixin, Cited):
    NATURAL_KEY = ("agreement__slug", "focus_area__slug")

    # Served by the unique (agreement, focus_area) and the (focus_area, agreement) indexes.
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="focus_links",
        db_index=False,
    )
    focus_area = models.ForeignKey(
        "partnerships.FocusArea",
        verbose_name=_("focus area"),
        on_delete=models.PROTECT,
        related_name="agreement_links",
        db_index=False,
    )

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        verbose_name_plural = _("focus areas")
        ordering = ["agreement", "focus_area__name"]
        verbose_name = _("focus area")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "focus_area"], name="agreement_focus_area_unique"
            ),
        ]
        indexes = [models.Index(fields=["focus_area", "agreement"], name="focus_link_area_idx")]

    def __str__(self):
        return f"{self.focus_area}"


class AgreementSource(NaturalKeyMixin, models.Model):
    NATURAL_KEY = ("agreement__slug", "source__slug")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="source_links",
    )
    source = models.ForeignKey(
        "partnerships.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="agreement_links",
    )

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        verbose_name_plural = _("sources")
        ordering = ["agreement", "source"]
        verbose_name = _("source")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "source"], name="agreement_source_unique"),
        ]

    def __str__(self):
        return f"{self.source}"


class EstablishedBodyKind(models.TextChoices):
    INSTITUTE = "institute", _("Institute")
    SCHOOL = "school", _("School")
    CENTRE = "centre", _("Centre")
    CLASS = "class", _("Class or programme")
    LABORATORY = "laboratory", _("Laboratory")
    ALLIANCE = "alliance", _("Alliance")
    PLATFORM = "platform", _("Platform")
    OTHER = "other", _("Other")


class EstablishedBody(NaturalKeyMixin, Cited):
    """Something an agreement set up: an institute, a school, a centre, a class."""

    NATURAL_KEY = ("agreement__slug", "name")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="established_bodies",
    )
    name = models.CharField(verbose_name=_("name"), max_length=250)
    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=EstablishedBodyKind)
    other_names = models.TextField(
        verbose_name=_("other names"),
        blank=True,
        help_text=_("Other names and abbreviations the sources use, one per line."),
    )
    description = models.TextField(verbose_name=_("description"), blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"),
        null=True,
        blank=True,
        help_text=_(
            "When the source gives this body (or plan) a term of its own, rather than "
            "the agreement."
        ),
    )
    planned = models.BooleanField(
        verbose_name=_("planned"),
        default=False,
        help_text=_("The source announces it as a plan rather than as established."),
    )

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["agreement", "name"]
        verbose_name = _("established body")
        verbose_name_plural = _("established bodies")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "name"], name="established_body_unique_per_agreement"
            ),
            models.CheckConstraint(
                condition=Q(term_months__isnull=True) | Q(term_months__gt=0),
                name="established_body_term_positive",
                violation_error_message=_("A term, when stated, is at least one month."),
            ),
        ]

    def __str__(self):
        return self.name
