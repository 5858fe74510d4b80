"""The documents every fact is read from."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import (
    KeepsOldAddresses,
    NaturalKeyMixin,
    NaturalKeyQuerySet,
    TimeStamped,
    WebURLField,
    record_history,
    slug_address,
    web_url_constraint,
)


class Source(KeepsOldAddresses, NaturalKeyMixin, TimeStamped):
    ADDRESSED_AS = "source"

    slug = models.SlugField(verbose_name=_("slug"), max_length=120, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=300)
    publisher = models.CharField(verbose_name=_("publisher"), max_length=200, blank=True)
    url = WebURLField(_("URL"), max_length=500, help_text=_("Only where known."))
    published_on = models.DateField(
        verbose_name=_("published on"),
        null=True,
        blank=True,
        help_text=_("Empty when the document does not say."),
    )
    language = models.CharField(verbose_name=_("language"), max_length=16, default="en")
    document = models.CharField(
        verbose_name=_("document"),
        max_length=100,
        blank=True,
        help_text=_("File name of the archived copy of the document the record was curated from."),
    )
    notes = models.TextField(verbose_name=_("notes"), blank=True)

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history("updated_at")

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]
        constraints = [web_url_constraint("url", "source_url_http")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_address("source-detail", self.slug)


class SourceCreditRole(models.TextChoices):
    AUTHOR = "author", _("Written by")
    REPORTER = "reporter", _("Reported by")
    PHOTOGRAPHER = "photographer", _("Photographed by")
    REVIEWER = "reviewer", _("Reviewed by")
    EDITOR = "editor", _("Edited by")
    TRANSLATOR = "translator", _("Translated by")
    DRAFTER = "drafter", _("Drafted by")
    REVISER = "reviser", _("Revised by")


class SourceCredit(NaturalKeyMixin, models.Model):
    """A person the document credits (writers, editors…), kept as printed."""

    NATURAL_KEY = ("source__slug", "name", "role")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="credits"
    )
    name = models.CharField(verbose_name=_("name"), max_length=150)
    role = models.CharField(verbose_name=_("role"), max_length=16, choices=SourceCreditRole)
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)

    objects = NaturalKeyQuerySet.as_manager()
    history = record_history()

    class Meta:
        verbose_name = _("source credit")
        verbose_name_plural = _("source credits")
        ordering = ["source", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "name", "role"], name="source_credit_unique"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"
