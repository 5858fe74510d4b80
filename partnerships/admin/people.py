"""People, named as the sources print them, and the positions they held."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from partnerships.models import Person, Position

from .base import AUDIT_FIELDS, PARTIAL_DATE_RULES, RECORD_FIELDSET, EditorAdmin, EditorInline

NAME_RULES = (
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


@admin.register(Person)
class PersonAdmin(EditorAdmin):
    list_display = ["display_name", "native_name", "honorifics", "positions", "agreement_count"]
    ordering = ["family_name", "given_name"]  # Explicit: dropped by GROUP BY otherwise.
    search_fields = ["family_name", "given_name", "native_name", "slug"]
    list_filter = ["name_order"]
    prepopulated_fields = {"slug": ["family_name", "given_name"]}
    readonly_fields = AUDIT_FIELDS
    fieldsets = [
        (
            "Name",
            {
                "fields": [
                    ("family_name", "given_name"),
                    "name_order",
                    "slug",
                    "native_name",
                    "honorifics",
                ],
                "description": NAME_RULES,
            },
        ),
        RECORD_FIELDSET,
    ]
    inlines = [PersonPositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

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
            "When",
            {
                "fields": [("as_of", "as_of_precision"), ("start_date", "end_date")],
                "description": "“As of” is when the source reports the position held. "
                + PARTIAL_DATE_RULES
                + " Give a start or end only when a source states it; a position cannot end "
                "before it starts.",
            },
        ),
        ("Source", {"fields": ["source", "quote"]}),
    ]

    @admin.display(description=_("as of"), ordering="as_of")
    def as_of_display(self, obj):
        return obj.as_of_display
