"""Fields of cooperation, a small two-level hierarchy readers filter by."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .common import (
    SEARCH_COLUMNS,
    KeepsOldAddresses,
    NamedInTwoLanguages,
    NaturalKeyMixin,
    TimeStamped,
    record_history,
    slug_address,
)
from .querysets import FocusAreaQuerySet


class FocusArea(NamedInTwoLanguages, KeepsOldAddresses, NaturalKeyMixin, TimeStamped):
    ADDRESSED_AS = "focusarea"

    slug = models.SlugField(verbose_name=_("slug"), max_length=120, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=150, unique=True)
    name_zh_hans = models.CharField(
        _("name in Simplified Chinese"),
        max_length=150,
        blank=True,
        help_text=_("Shown to readers of the Chinese pages; the English name where empty."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The broader field this one belongs to; empty for a top-level field."),
    )
    description = models.TextField(verbose_name=_("description"), blank=True)
    synonyms = models.TextField(
        verbose_name=_("synonyms"),
        blank=True,
        help_text=_(
            "Other ways sources name this field, one per line (e.g. “medical AI”). "
            "Drafts from press releases map phrases to fields through these."
        ),
    )
    # Derived (search_documents.py): the pinyin of the Chinese name, for the Chinese order.
    name_pinyin = models.CharField(max_length=1000, blank=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)
    # Weighted full-text vector, maintained on PostgreSQL only (stays empty on SQLite).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = FocusAreaQuerySet.as_manager()
    history = record_history(*SEARCH_COLUMNS, "name_pinyin")

    class Meta:
        verbose_name_plural = _("focus areas")
        ordering = ["name"]
        verbose_name = _("focus area")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="focus_area_not_own_parent",
                violation_error_message=_("A field cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("focusarea-detail", self.slug)

    @property
    def synonym_list(self):
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    def clean(self):
        # Two levels keep "a parent includes its sub-fields" a single join.
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A field cannot be its own parent.")})
        if self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Choose a top-level field: fields form two levels only.")}
            )
        if self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This field has sub-fields of its own, so it must stay top-level.")}
            )
