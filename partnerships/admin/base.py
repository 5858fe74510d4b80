"""What every admin page for editors shares: safe links to the public site, roomy text
boxes and read-only audit fields. (Search text follows every save through the write
path, ``write_path.py``, not through the admin.)"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Textarea
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partnerships.forms import EditorInlineFormSet

AUDIT_FIELDS = ("created_at", "updated_at")
RECORD_FIELDSET = (
    _("Record"),
    {
        "fields": AUDIT_FIELDS,
        "classes": ["collapse"],
        "description": _("Kept automatically."),
    },
)

PARTIAL_DATE_RULES = _(
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


# Narrower in table rows: the agreement form's inlines fit a 1,366 px screen.
ROW_TEXT_AREAS = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 36})}}


class EditorInline(admin.TabularInline):
    formset = EditorInlineFormSet
    formfield_overrides = ROW_TEXT_AREAS
    extra = 0
    show_change_link = True


class StartsNotPublic:
    """For the institution and person admins: a record an editor adds is not public on its
    own (the box starts unticked); it becomes public with the first published agreement it
    belongs to, or when an editor ticks the box."""

    def get_changeform_initial_data(self, request):
        return {"published": False, **super().get_changeform_initial_data(request)}


class DuplicateWarningForm(forms.ModelForm):
    """An add form that warns of records that may already be in the directory.

    The warning is not a block: it shows the likely duplicates (each opening in a new
    tab) and a box to tick to save anyway. Everything typed stays in the form.
    """

    not_a_duplicate = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label=_("None of these is the record I am adding: save it anyway"),
    )

    def possible_duplicates(self, cleaned_data):
        return []

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance._state.adding or self.errors or cleaned_data.get("not_a_duplicate"):
            return cleaned_data
        found = self.possible_duplicates(cleaned_data)
        if found:
            self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
            raise duplicates_warning(found, self.fields["not_a_duplicate"].label)
        return cleaned_data


def duplicates_warning(found, confirm_label, use_instead=None):
    """The warning an editor gets about likely duplicates: each candidate linked (a new
    tab) with its slug and why it looks alike, and the box to tick to create anyway."""
    if use_instead is None:
        use_instead = gettext("use that record instead")
    return ValidationError(
        format_html(
            gettext(
                "This may already be in the directory: {}. Open them to check (each opens "
                "in a new tab); if it is one of them, {}. If not, "
                "tick “{}” and save again."
            ),
            format_html_join(
                gettext("; "),
                '<a href="{}" target="_blank">{}</a> ' + gettext("(slug {}; {})"),
                (
                    (
                        admin_change_url(candidate.record),
                        candidate.record,
                        candidate.record.slug,
                        candidate.reason,
                    )
                    for candidate in found
                ),
            ),
            use_instead,
            confirm_label,
        ),
        code="possible_duplicate",
    )


def admin_change_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


class WarnsOfDuplicates:
    """For a ModelAdmin: its add form warns of near-duplicates (``find_duplicates``)."""

    form = DuplicateWarningForm

    def find_duplicates(self, request, cleaned_data):
        raise NotImplementedError

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            return form
        admin = self

        class AddForm(form):
            def possible_duplicates(self, cleaned_data):
                return admin.find_duplicates(request, cleaned_data)

        return AddForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "not_a_duplicate"]}), *rest]
