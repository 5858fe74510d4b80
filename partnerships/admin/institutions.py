"""Institutions with their other names and links, and the positions people hold there."""

import re

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from partnerships.curation.duplicates import institution_duplicates
from partnerships.models import Institution, InstitutionName, InstitutionRelation, Position

from .base import (
    AUDIT_FIELDS,
    RECORD_FIELDSET,
    EditorAdmin,
    EditorInline,
    StartsNotPublic,
    WarnsOfDuplicates,
)
from .merging import MergeableAdmin

NAME_RULES = _(
    "Use the official English name. Abbreviations (PUMCH, BUAA) and names in other "
    "languages or scripts go under “Other names” below, where search finds them; add a "
    "native-script name only where certain."
)
IDENTIFIER_RULES = _(
    "Fill in a ROR or Wikidata ID only after checking it in that registry; otherwise leave "
    "it empty. Each ID belongs to one institution."
)


OTHER_NAME_ROW = re.compile(r"names-\d+-name")


class InstitutionNameInline(EditorInline):
    model = InstitutionName
    fields = ["name", "name_type", "language", "source", "quote"]
    autocomplete_fields = ["source"]
    verbose_name_plural = _("other names (abbreviations, aliases, names in other languages)")


class InstitutionRelationInline(EditorInline):
    model = InstitutionRelation
    fk_name = "subject"
    fields = ["relation_type", "object", "source", "quote"]
    autocomplete_fields = ["object", "source"]
    verbose_name = _("link to another institution")
    verbose_name_plural = _("links to other institutions (e.g. is part of its parent)")


class InstitutionPositionInline(EditorInline):
    model = Position
    fields = [
        "person",
        "title",
        "as_of",
        "as_of_precision",
        "start_date",
        "end_date",
        "source",
        "quote",
    ]
    autocomplete_fields = ["person", "source"]
    verbose_name_plural = _("positions held here")


@admin.register(Institution)
class InstitutionAdmin(MergeableAdmin, StartsNotPublic, WarnsOfDuplicates, EditorAdmin):
    list_display = ["name", "acronyms", "kind", "place", "agreement_count", "ror_id"]
    ordering = ["name"]  # Explicit: a default ordering is dropped by GROUP BY.
    list_filter = ["kind", "published", "country", "region"]
    search_fields = ["name", "names__name", "slug", "city", "ror_id", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = AUDIT_FIELDS
    fieldsets = [
        (
            None,
            {
                "fields": ["name", "slug", "kind", "description", "published"],
                "description": NAME_RULES,
            },
        ),
        (_("Place"), {"fields": [("city", "region", "country")]}),
        (
            _("Identifiers"),
            {"fields": ["website", ("ror_id", "wikidata_id")], "description": IDENTIFIER_RULES},
        ),
        RECORD_FIELDSET,
    ]
    inlines = [InstitutionNameInline, InstitutionRelationInline, InstitutionPositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    def find_duplicates(self, request, cleaned_data):
        # The other names typed in the inline below the form count too (a shared acronym).
        typed = [
            value
            for key, value in request.POST.items()
            if OTHER_NAME_ROW.fullmatch(key)
            and not request.POST.get(key.removesuffix("name") + "DELETE")
        ]
        return institution_duplicates(cleaned_data.get("name", ""), typed)

    @admin.display(description=_("place"))
    def place(self, obj):
        return obj.place

    @admin.display(description=_("acronyms"))
    def acronyms(self, obj):
        return ", ".join(name.name for name in obj.names.all() if name.name_type == "acronym")

    @admin.display(description=_("published agreements"), ordering="agreement_count")
    def agreement_count(self, obj):
        return obj.agreement_count


@admin.register(InstitutionName)
class InstitutionNameAdmin(EditorAdmin):
    list_display = ["name", "name_type", "language", "institution"]
    list_filter = ["name_type", "language"]
    search_fields = ["name", "institution__name"]
    fields = ["institution", "name", "name_type", "language", "source", "quote"]
    autocomplete_fields = ["institution", "source"]
    list_select_related = ["institution"]


@admin.register(InstitutionRelation)
class InstitutionRelationAdmin(EditorAdmin):
    list_display = ["subject", "relation_type", "object"]
    list_filter = ["relation_type"]
    search_fields = ["subject__name", "subject__names__name", "object__name", "object__names__name"]
    fields = ["subject", "relation_type", "object", "source", "quote"]
    autocomplete_fields = ["subject", "object", "source"]
    list_select_related = ["subject", "object"]
