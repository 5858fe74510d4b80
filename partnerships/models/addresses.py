"""Old addresses of records whose slug changed or that were merged into another."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AddressedModel(models.TextChoices):
    """The records with a public address of their own (``/<kind>/<slug>/``)."""

    AGREEMENT = "agreement", _("Agreement")
    INSTITUTION = "institution", _("Institution")
    PERSON = "person", _("Person")
    FOCUS_AREA = "focusarea", _("Field")
    SOURCE = "source", _("Source")


class SlugRedirect(models.Model):
    """An old slug of a record, answered with a permanent redirect to its current address.

    It points at the record (not at its new slug), so a record renamed twice, or merged
    after a rename, still sends every old address straight to where it lives now.
    """

    model = models.CharField(verbose_name=_("model"), max_length=16, choices=AddressedModel)
    old_slug = models.SlugField(verbose_name=_("old slug"), max_length=160)
    object_id = models.PositiveBigIntegerField(
        verbose_name=_("object id"), help_text=_("The record the old slug now leads to.")
    )
    reason = models.CharField(
        verbose_name=_("reason"),
        max_length=20,
        choices=[("renamed", _("Renamed")), ("merged", _("Merged"))],
    )
    created_at = models.DateTimeField(
        verbose_name=_("created at"), default=timezone.now, editable=False
    )

    class Meta:
        ordering = ["model", "old_slug"]
        verbose_name = _("old address")
        constraints = [
            models.UniqueConstraint(fields=["model", "old_slug"], name="slug_redirect_unique"),
        ]
        indexes = [models.Index(fields=["model", "object_id"], name="slug_redirect_target_idx")]

    def __str__(self):
        return f"/{self.model}/{self.old_slug}/ → record {self.object_id}"

    def natural_key(self):
        # Backups name the row by its address; its record is named by slug beside it.
        return (self.model, self.old_slug)
