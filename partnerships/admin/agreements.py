"""Agreements and everything recorded about their signing."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from partnerships.forms import AgreementPartyFormSet
from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    EstablishedBody,
    Participation,
)
from partnerships.models.agreements import MIN_PARTIES_TO_PUBLISH

from .base import AUDIT_FIELDS, PARTIAL_DATE_RULES, RECORD_FIELDSET, EditorAdmin, EditorInline
from .press_release import PressReleaseDraftMixin

PUBLICATION_RULES = (
    "Readers see an agreement only once it is published. Publish only what has been checked "
    f"against its source, and only with at least {MIN_PARTIES_TO_PUBLISH} parties listed below. "
    "The publication time is recorded automatically; returning an agreement to draft clears it."
)


def _count(number, singular, plural=None):
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _titles(agreements):
    return ", ".join(f"“{agreement.title}”" for agreement in agreements)


class AgreementSourceInline(EditorInline):
    model = AgreementSource
    autocomplete_fields = ["source"]
    verbose_name_plural = _("sources (the documents this agreement is read from)")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


class AgreementPartyInline(EditorInline):
    model = AgreementParty
    formset = AgreementPartyFormSet
    fields = ["institution", "order", "source", "quote"]
    autocomplete_fields = ["institution", "source"]

    def get_extra(self, request, obj=None, **kwargs):
        return MIN_PARTIES_TO_PUBLISH if obj is None else 0


class ParticipationInline(EditorInline):
    model = Participation
    fields = ["person", "role", "on_behalf_of", "position", "order", "source", "quote"]
    autocomplete_fields = ["person", "on_behalf_of", "position", "source"]
    verbose_name = _("person at the signing")
    verbose_name_plural = _("people at the signing (who signed, witnessed, spoke, attended…)")


class AgreementFocusAreaInline(EditorInline):
    model = AgreementFocusArea
    fields = ["focus_area", "source", "quote"]
    autocomplete_fields = ["focus_area", "source"]


class EstablishedBodyInline(EditorInline):
    model = EstablishedBody
    fields = [
        "name",
        "kind",
        "other_names",
        "planned",
        "term_months",
        "description",
        "source",
        "quote",
    ]
    autocomplete_fields = ["source"]


@admin.register(Agreement)
class AgreementAdmin(PressReleaseDraftMixin, EditorAdmin):
    list_display = ["title", "kind", "signed", "party_names", "focus_area_names", "status"]
    list_filter = ["status", "kind", "signed_on_precision", "focus_areas"]
    search_fields = [
        "title",
        "slug",
        "party_links__institution__name",
        "party_links__institution__names__name",
        "place",
        "city",
        "established_bodies__name",
    ]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["evidence_source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", *AUDIT_FIELDS]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary"]}),
        (
            "Signing",
            {
                "fields": [("signed_on", "signed_on_precision"), ("place", "city"), "term_months"],
                "description": PARTIAL_DATE_RULES
                + " Give a term only when the source states one (three years is 36 months).",
            },
        ),
        (
            "Evidence for the title, date, place and term",
            {
                "fields": [
                    "evidence_source",
                    "title_quote",
                    "signed_on_quote",
                    "place_quote",
                    "term_quote",
                ],
                "description": _(
                    "The document these facts were read from, and for each the "
                    "sentence that states it, copied verbatim."
                ),
            },
        ),
        ("Publication", {"fields": ["status", "published_at"], "description": PUBLICATION_RULES}),
        RECORD_FIELDSET,
    ]
    inlines = [
        AgreementSourceInline,
        AgreementPartyInline,
        ParticipationInline,
        AgreementFocusAreaInline,
        EstablishedBodyInline,
    ]
    actions = ["publish", "return_to_draft"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    @admin.display(description=_("signed"), ordering="signed_on")
    def signed(self, obj):
        return obj.signed_on_display

    @admin.display(description=_("parties"))
    def party_names(self, obj):
        return " · ".join(str(link.institution) for link in obj.party_links.all())

    @admin.display(description=_("focus areas"))
    def focus_area_names(self, obj):
        return ", ".join(str(area) for area in obj.focus_areas.all())

    def save_model(self, request, obj, form, change):
        if not obj.is_published:
            # A draft has not been published; publishing again records the new time.
            obj.published_at = None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected agreements"), permissions=["change"])
    def publish(self, request, queryset):
        published, already = [], []
        for agreement in queryset.prefetch_related(None).annotate(
            party_count=Count("party_links", distinct=True)
        ):
            if agreement.is_published:
                already.append(agreement)
                continue
            agreement.status = AgreementStatus.PUBLISHED
            problems = agreement.publication_problems(agreement.party_count)
            try:
                agreement.clean()  # Records the publication time.
            except ValidationError as error:
                problems += error.messages
            if problems:
                messages.error(
                    request, f"“{agreement.title}” was not published: {' '.join(problems)}"
                )
                continue
            agreement.save(update_fields=["status", "published_at", "updated_at"])
            self.log_change(request, agreement, "Published.")
            published.append(agreement)
        if published:
            messages.success(
                request, f"Published {_count(len(published), 'agreement')}: {_titles(published)}."
            )
        if already:
            messages.info(
                request,
                f"Already published, left as they were: {_titles(already)}.",
            )

    @admin.action(description=_("Return to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        returned, already = [], []
        for agreement in queryset.prefetch_related(None):
            if not agreement.is_published:
                already.append(agreement)
                continue
            agreement.status = AgreementStatus.DRAFT
            agreement.published_at = None
            agreement.save(update_fields=["status", "published_at", "updated_at"])
            self.log_change(request, agreement, "Returned to draft.")
            returned.append(agreement)
        if returned:
            messages.success(
                request,
                f"Returned {_count(len(returned), 'agreement')} to draft; readers no longer see "
                f"{'it' if len(returned) == 1 else 'them'}: {_titles(returned)}.",
            )
        if already:
            messages.info(request, f"Already drafts, left as they were: {_titles(already)}.")


@admin.register(AgreementParty)
class AgreementPartyAdmin(EditorAdmin):
    list_display = ["institution", "agreement", "order", "source"]
    list_filter = ["agreement__status", "institution__kind"]
    search_fields = [
        "institution__name",
        "institution__names__name",
        "agreement__title",
    ]
    autocomplete_fields = ["agreement", "institution", "source"]
    list_select_related = ["institution", "agreement", "source"]


@admin.register(Participation)
class ParticipationAdmin(EditorAdmin):
    list_display = ["person", "role", "agreement", "on_behalf_of", "position"]
    list_filter = ["role", "agreement__status"]
    search_fields = [
        "person__family_name",
        "person__given_name",
        "person__native_name",
        "agreement__title",
        "on_behalf_of__name",
    ]
    fields = ["agreement", "person", "role", "on_behalf_of", "position", "order", "source", "quote"]
    autocomplete_fields = ["agreement", "person", "on_behalf_of", "position", "source"]
    list_select_related = [
        "person",
        "agreement",
        "on_behalf_of",
        "position__institution",
        "position__person",
    ]


@admin.register(AgreementFocusArea)
class AgreementFocusAreaAdmin(EditorAdmin):
    list_display = ["focus_area", "agreement", "source"]
    list_filter = ["focus_area"]
    search_fields = ["focus_area__name", "agreement__title"]
    autocomplete_fields = ["agreement", "focus_area", "source"]
    list_select_related = ["focus_area", "agreement", "source"]


@admin.register(AgreementSource)
class AgreementSourceAdmin(EditorAdmin):
    list_display = ["source", "agreement"]
    search_fields = ["source__title", "source__publisher", "agreement__title"]
    autocomplete_fields = ["agreement", "source"]
    list_select_related = ["source", "agreement"]


@admin.register(EstablishedBody)
class EstablishedBodyAdmin(EditorAdmin):
    list_display = ["name", "kind", "planned", "agreement"]
    list_filter = ["kind", "planned"]
    search_fields = ["name", "description", "agreement__title"]
    fields = ["agreement", "name", "kind", "planned", "description", "source", "quote"]
    autocomplete_fields = ["agreement", "source"]
    list_select_related = ["agreement"]
