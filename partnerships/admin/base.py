"""What every admin page for editors shares: safe links to the public site, roomy text
boxes, read-only audit fields, and search documents kept current after each edit."""

from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.urls import NoReverseMatch
from simple_history.admin import SimpleHistoryAdmin

from partnerships import search_documents
from partnerships.forms import EditorInlineFormSet
from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    Person,
    Position,
)

AUDIT_FIELDS = ("created_at", "updated_at")
RECORD_FIELDSET = (
    "Record",
    {
        "fields": AUDIT_FIELDS,
        "classes": ["collapse"],
        "description": "Kept automatically.",
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


def refresh_search_documents(objects):
    """Rebuild the search documents that the saved or deleted ``objects`` appear in.

    An institution's names are searched with the institution, with the agreements it is
    party to and with the people holding positions there; a field's name with its
    sub-fields and its agreements.
    """
    agreements, institutions, people, focus_areas = set(), set(), set(), set()
    for obj in objects:
        match obj:
            case Agreement():
                agreements.add(obj.pk)
            case AgreementParty() | AgreementFocusArea() | EstablishedBody():
                agreements.add(obj.agreement_id)
            case Institution():
                institutions.add(obj.pk)
            case InstitutionName():
                institutions.add(obj.institution_id)
            case Person():
                people.add(obj.pk)
            case Position():
                people.add(obj.person_id)
            case FocusArea():
                focus_areas.add(obj.pk)
    # A deleted record has lost its primary key; there is nothing left of it to refresh.
    for ids in (agreements, institutions, people, focus_areas):
        ids.discard(None)

    if institutions:
        search_documents.refresh_institutions(Institution.objects.filter(pk__in=institutions))
        agreements.update(
            Agreement.objects.filter(party_links__institution__in=institutions).values_list(
                "pk", flat=True
            )
        )
        people.update(
            Person.objects.filter(positions__institution__in=institutions).values_list(
                "pk", flat=True
            )
        )
    if focus_areas:
        search_documents.refresh_focus_areas(
            FocusArea.objects.filter(
                models.Q(pk__in=focus_areas) | models.Q(parent__in=focus_areas)
            )
        )
        agreements.update(
            Agreement.objects.filter(focus_links__focus_area__in=focus_areas).values_list(
                "pk", flat=True
            )
        )
    if people:
        search_documents.refresh_people(Person.objects.filter(pk__in=people))
    if agreements:
        search_documents.refresh_agreements(Agreement.objects.filter(pk__in=agreements))


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        touched = [form.instance]
        for formset in formsets:
            touched += formset.new_objects
            touched += [obj for obj, _ in formset.changed_objects]
            touched += formset.deleted_objects
        refresh_search_documents(touched)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_search_documents([obj])

    def delete_queryset(self, request, queryset):
        deleted = list(queryset)
        super().delete_queryset(request, queryset)
        refresh_search_documents(deleted)


class EditorInline(admin.TabularInline):
    formset = EditorInlineFormSet
    formfield_overrides = TEXT_AREAS
    extra = 0
    show_change_link = True
