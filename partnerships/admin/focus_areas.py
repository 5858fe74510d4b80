"""Fields of cooperation: a two-level hierarchy readers filter by."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from partnerships.curation.duplicates import focus_area_duplicates
from partnerships.models import FocusArea

from .base import EditorAdmin, WarnsOfDuplicates
from .merging import MergeableAdmin

HIERARCHY_RULES = _(
    "Fields form two levels: a top-level field (medical education) and its sub-fields. "
    "Leave “parent” empty for a top-level field; otherwise choose a top-level field as the "
    "parent. A field that has sub-fields stays top-level."
)


class LevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", _("Top-level fields")), ("sub", _("Sub-fields"))]

    def queryset(self, request, queryset):
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(FocusArea)
class FocusAreaAdmin(MergeableAdmin, WarnsOfDuplicates, EditorAdmin):
    list_display = ["name", "name_zh_hans", "parent", "agreement_count"]
    ordering = ["name"]  # Explicit: a default ordering is dropped by GROUP BY.
    list_filter = [LevelFilter]
    search_fields = ["name", "name_zh_hans", "slug", "description", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    fieldsets = [
        (
            None,
            {
                "fields": ["name", "name_zh_hans", "slug", "parent", "description", "synonyms"],
                "description": HIERARCHY_RULES,
            },
        )
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(agreement_count=Count("agreement_links", distinct=True))
        )

    def find_duplicates(self, request, cleaned_data):
        return focus_area_duplicates(cleaned_data.get("name", ""))

    @admin.display(description=_("agreements"), ordering="agreement_count")
    def agreement_count(self, obj):
        return obj.agreement_count

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # When choosing a field's parent, offer only top-level fields.
        if (
            request.GET.get("model_name") == "focusarea"
            and request.GET.get("field_name") == "parent"
        ):
            queryset = queryset.filter(parent__isnull=True)
        return queryset, may_have_duplicates
