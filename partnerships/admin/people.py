"""People, named as the sources print them, and the positions they held."""

from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from partnerships.curation.duplicates import person_duplicates
from partnerships.models import Person, PersonName, Position

from .base import (
    AUDIT_FIELDS,
    PARTIAL_DATE_RULES,
    RECORD_FIELDSET,
    EditorAdmin,
    EditorInline,
    StartsNotPublic,
    WarnsOfDuplicates,
)
from .merging import MergeableAdmin

NAME_RULES = _(
    "Keep the family name and the given name apart, exactly as the source prints them, and "
    "say which comes first (Wang Chen is family name first; Nancy Ip is given name first). "
    "Titles such as Prof. or Academician are honorifics, not part of the name. Add a "
    "native-script name only where certain."
)


class PersonPositionInline(EditorInline):
    model = Position
    fields = [
        "institution",
        "title",
        "as_of",
        "as_of_precision",
        "start_date",
        "end_date",
        "source",
        "quote",
    ]
    autocomplete_fields = ["institution", "source"]


class PersonNameInline(EditorInline):
    model = PersonName
    fields = ["name", "source", "quote"]
    autocomplete_fields = ["source"]
    verbose_name_plural = _("other names (as other sources print the name: FU Wei, Wei Fu)")


@admin.register(Person)
class PersonAdmin(MergeableAdmin, StartsNotPublic, WarnsOfDuplicates, EditorAdmin):
    list_display = ["display_name", "native_name", "honorifics", "positions", "agreement_count"]
    ordering = ["family_name", "given_name"]  # Explicit: dropped by GROUP BY otherwise.
    search_fields = ["family_name", "given_name", "native_name", "slug", "other_names__name"]
    list_filter = ["name_order", "published"]
    prepopulated_fields = {"slug": ["family_name", "given_name"]}
    readonly_fields = AUDIT_FIELDS
    fieldsets = [
        (
            _("Name"),
            {
                "fields": [
                    ("family_name", "given_name"),
                    "name_order",
                    "slug",
                    "native_name",
                    "honorifics",
                    "published",
                ],
                "description": NAME_RULES,
            },
        ),
        RECORD_FIELDSET,
    ]
    inlines = [PersonNameInline, PersonPositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    def find_duplicates(self, request, cleaned_data):
        return person_duplicates(
            cleaned_data.get("family_name", ""), cleaned_data.get("given_name", "")
        )

    @admin.display(description=_("name"), ordering="family_name")
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description=_("positions"))
    def positions(self, obj):
        return "; ".join(str(position) for position in obj.positions.all())

    @admin.display(description=_("published agreements"), ordering="agreement_count")
    def agreement_count(self, obj):
        return obj.agreement_count


@admin.register(Position)
class PositionAdmin(EditorAdmin):
    list_display = ["person", "title", "institution", "as_of_display", "start_date", "end_date"]
    list_filter = ["as_of_precision", "institution__kind"]
    search_fields = [
        "title",
        "person__family_name",
        "person__given_name",
        "person__native_name",
        "institution__name",
        "institution__names__name",
    ]
    autocomplete_fields = ["person", "institution", "source"]
    list_select_related = ["person", "institution"]
    fieldsets = [
        (None, {"fields": ["person", "institution", "title"]}),
        (
            _("When"),
            {
                "fields": [("as_of", "as_of_precision"), ("start_date", "end_date")],
                "description": format_lazy(
                    "{} {} {}",
                    _("“As of” is when the source reports the position held."),
                    PARTIAL_DATE_RULES,
                    _(
                        "Give a start or end only when a source states it; a position cannot "
                        "end before it starts."
                    ),
                ),
            },
        ),
        (_("Source"), {"fields": ["source", "quote"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Choosing the position a participant held: only the positions of that person
        # (the row's person comes along with the request, see admin-participation-positions.js).
        if (
            request.GET.get("model_name") == "participation"
            and request.GET.get("field_name") == "position"
        ):
            queryset = queryset.select_related("person", "institution")
            person = request.GET.get("person", "")
            if person.isdigit():
                queryset = queryset.filter(person_id=person)
        return queryset, may_have_duplicates

    @admin.display(description=_("as of"), ordering="as_of")
    def as_of_display(self, obj):
        return obj.as_of_display


@admin.register(PersonName)
class PersonNameAdmin(EditorAdmin):
    list_display = ["name", "person"]
    search_fields = ["name", "person__family_name", "person__given_name"]
    fields = ["person", "name", "source", "quote"]
    autocomplete_fields = ["person", "source"]
    list_select_related = ["person"]
