"""The documents every fact is read from, and the people they credit."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from partnerships.models import Source, SourceCredit

from .base import EditorAdmin, EditorInline

SOURCE_RULES = _(
    "Describe the document as it was published. Leave the URL or the date empty when the "
    "document does not give them: never guess."
)


class SourceCreditInline(EditorInline):
    model = SourceCredit
    fields = ["name", "role", "order"]
    verbose_name_plural = _("credits (authors, editors… as printed)")


@admin.register(Source)
class SourceAdmin(EditorAdmin):
    list_display = ["title", "publisher", "published_on", "language", "document"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "slug", "publisher", "url", "document", "credits__name"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "publisher",
                    "url",
                    "published_on",
                    "language",
                    "document",
                    "notes",
                ],
                "description": SOURCE_RULES,
            },
        )
    ]
    inlines = [SourceCreditInline]


@admin.register(SourceCredit)
class SourceCreditAdmin(EditorAdmin):
    list_display = ["name", "role", "source"]
    list_filter = ["role"]
    search_fields = ["name", "source__title"]
    autocomplete_fields = ["source"]
    list_select_related = ["source"]
