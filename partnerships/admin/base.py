"""What every admin page for editors shares: safe links to the public site, roomy text
boxes and read-only audit fields. (Search text follows every save through the write
path, ``write_path.py``, not through the admin.)"""

from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partnerships.forms import EditorInlineFormSet

AUDIT_FIELDS = ("created_at", "updated_at")
RECORD_FIELDSET = (
    "Record",
    {
        "fields": AUDIT_FIELDS,
        "classes": ["collapse"],
        "description": _("Kept automatically."),
    },
)

PARTIAL_DATE_RULES = (
    "Enter a date only as precisely as the source states it, and say how precise it is. "
    "A full date: enter it and choose “Day”. Only the month (“in December 2023”): enter the "
    "first day of that month (1 December 2023) and choose “Month”. Only the year: enter "
    "1 January of that year and choose “Year”. Not stated: leave the date empty and choose "
    "“Not stated”. Never fill in a day or month the source does not give."
)

TEXT_AREAS = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 60})}}


class EditorAdmin(SimpleHistoryAdmin):
    """Defaults for every model editors curate, with each record's history (who changed
    which field when) and a revert to any earlier version behind its "History" button."""

    formfield_overrides = TEXT_AREAS
    list_per_page = 50

    def view_on_site(self, obj):
        """The record's public page; no link (rather than an error) while it has none."""
        try:
            return obj.get_absolute_url()
        except (AttributeError, NoReverseMatch):
            return None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # Nothing to audit before the record exists.
            fieldsets = [fieldset for fieldset in fieldsets if fieldset[0] != RECORD_FIELDSET[0]]
        return fieldsets


class EditorInline(admin.TabularInline):
    formset = EditorInlineFormSet
    formfield_overrides = TEXT_AREAS
    extra = 0
    show_change_link = True
