"""Agreements and everything recorded about their signing."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from partnerships.curation.duplicates import person_duplicates
from partnerships.curation.people import new_person, read_printed_name
from partnerships.forms import AgreementPartyFormSet, EditorInlineFormSet
from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    EstablishedBody,
    Institution,
    Participation,
    Position,
)
from partnerships.models.agreements import MIN_PARTIES_TO_PUBLISH
from partnerships.models.common import Cited

from .base import (
    AUDIT_FIELDS,
    PARTIAL_DATE_RULES,
    RECORD_FIELDSET,
    TEXT_AREAS,
    EditorAdmin,
    EditorInline,
    duplicates_warning,
)
from .press_release import PressReleaseDraftMixin

PUBLICATION_RULES = format_lazy(
    _(
        "Readers see an agreement only once it is published. Publish only what has been "
        "checked against its source: it needs a source, at least {parties} parties listed "
        "below each with the sentence that names it, and, when the date is stated, the "
        "sentence that states it. The publication time is recorded automatically; returning "
        "an agreement to draft clears it. Rows left without a source cite the agreement’s "
        "first source."
    ),
    parties=MIN_PARTIES_TO_PUBLISH,
)


def first_source(agreement, formsets):
    """The agreement's first source as the page will save it (or as stored)."""
    for formset in formsets:
        if formset.model is AgreementSource:
            for form in formset.kept_forms():
                if form.cleaned_data.get("source"):
                    return form.cleaned_data["source"]
    if agreement.pk:
        link = AgreementSource.objects.filter(agreement=agreement).order_by("pk").first()
        return link.source if link else None
    return None


def _titles(agreements):
    return gettext(", ").join(
        gettext("“%(title)s”") % {"title": agreement.title} for agreement in agreements
    )


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


class ParticipationForm(forms.ModelForm):
    """A participation whose person (and their title then) may be new: typed here, created
    on save, instead of three separate pages for the person, the position and the row."""

    new_person = forms.CharField(
        label=_("or a new person"),
        required=False,
        max_length=200,
        help_text=_("The name as printed, e.g. Prof. FU Wei or Nancy IP: created on save."),
    )
    # Shown (as a box to tick) only once the typed name was found alike to someone's.
    new_person_is_new = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label=_("None of these is this person: create a new one"),
    )
    new_title = forms.CharField(
        label=_("title then"),
        required=False,
        max_length=200,
        help_text=_(
            "For a new position, e.g. President: held at the institution below (or "
            "the party signed for), as of the signing date."
        ),
    )
    new_title_at = forms.ModelChoiceField(
        label=pgettext_lazy("a title held at an institution", "at"),
        queryset=Institution.objects.all(),
        required=False,
        widget=AutocompleteSelect(Participation._meta.get_field("on_behalf_of"), admin.site),
    )

    class Meta:
        model = Participation
        fields = ["person", "role", "on_behalf_of", "position", "order", "source", "quote"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].required = False

    def clean(self):
        cleaned_data = super().clean()
        person, typed = cleaned_data.get("person"), cleaned_data.get("new_person", "").strip()
        title = cleaned_data.get("new_title", "").strip()
        if person and typed:
            self.add_error("new_person", gettext("Choose a person or type a new one, not both."))
        elif not person and not typed and not self.errors:
            self.add_error("person", gettext("Choose the person, or type a new person’s name."))
        printed = read_printed_name(typed) if typed else None
        if typed and printed is None:
            self.add_error("new_person", gettext("Type the person’s name."))
        elif printed and not person and not cleaned_data.get("new_person_is_new"):
            found = person_duplicates(printed.family_name, printed.given_name)
            if found:
                self.fields["new_person_is_new"].widget = forms.CheckboxInput()
                self.add_error(
                    "new_person",
                    duplicates_warning(
                        found,
                        self.fields["new_person_is_new"].label,
                        gettext("choose that person above and clear the typed name"),
                    ),
                )
        if title and cleaned_data.get("position"):
            self.add_error("new_title", gettext("Choose a position or type a new title, not both."))
        if title and not (cleaned_data.get("new_title_at") or cleaned_data.get("on_behalf_of")):
            self.add_error(
                "new_title_at", gettext("Say at which institution they hold this title.")
            )
        return cleaned_data


class ParticipationInline(admin.StackedInline):
    model = Participation
    form = ParticipationForm
    formset = EditorInlineFormSet
    formfield_overrides = TEXT_AREAS
    extra = 0
    show_change_link = True
    # Stacked, a few fields a line: the row fits a 1,366 px screen.
    fields = [
        ("person", "new_person", "new_person_is_new", "role"),
        ("on_behalf_of", "order"),
        ("position", "new_title", "new_title_at"),
        ("source", "quote"),
    ]
    autocomplete_fields = ["person", "on_behalf_of", "position", "source"]
    verbose_name = _("person at the signing")
    verbose_name_plural = _("people at the signing (who signed, witnessed, spoke, attended…)")

    class Media:
        js = ["js/admin-participation-positions.js"]


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
        "title_zh_hans",
        "slug",
        "party_links__institution__name",
        "party_links__institution__names__name",
        "place",
        "city",
        "established_bodies__name",
    ]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["evidence_source", "ends_on_source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", *AUDIT_FIELDS]
    fieldsets = [
        (
            None,
            {"fields": ["title", "title_zh_hans", "slug", "kind", "summary", "summary_zh_hans"]},
        ),
        (
            _("Signing"),
            {
                "fields": [("signed_on", "signed_on_precision"), ("place", "city"), "term_months"],
                "description": format_lazy(
                    "{} {}",
                    PARTIAL_DATE_RULES,
                    _("Give a term only when the source states one (three years is 36 months)."),
                ),
            },
        ),
        (
            _("Evidence for the title, date, place and term"),
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
        (
            _("End or renewal"),
            {
                "fields": [("ends_on", "ends_on_precision"), "ends_on_source", "ends_on_quote"],
                "description": _(
                    "Leave empty unless a source states when the agreement ends or until when "
                    "it was renewed: the end is then computed from the signing date and the "
                    "term. A date entered here replaces that, and needs its source and sentence."
                ),
            },
        ),
        (
            _("Publication"),
            {"fields": ["status", "published_at"], "description": PUBLICATION_RULES},
        ),
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
        # A draft has not been published; publishing again records the new time.
        obj.record_publication()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Cited rows left without a source cite the agreement's (first) source."""
        self.default_source = first_source(form.instance, formsets)
        super().save_related(request, form, formsets, change)
        agreement = form.instance
        quoted = any(
            getattr(agreement, field)
            for field in ("title_quote", "signed_on_quote", "place_quote", "term_quote")
        )
        if self.default_source and quoted and not agreement.evidence_source_id:
            agreement.evidence_source = self.default_source
            agreement.save(update_fields=["evidence_source"])

    def save_formset(self, request, form, formset, change):
        if formset.model is Participation:
            self.create_new_people(form.instance, formset)
        if getattr(self, "default_source", None) and issubclass(formset.model, Cited):
            for row in formset.kept_forms():
                if not row.cleaned_data.get("source"):
                    row.instance.source = self.default_source
                    row.changed_data.append("source")
        super().save_formset(request, form, formset, change)

    def create_new_people(self, agreement, formset):
        """The people (and positions) typed into participation rows, created and linked."""
        source = getattr(self, "default_source", None)
        for row in formset.kept_forms():
            data, participation = row.cleaned_data, row.instance
            typed = data.get("new_person", "").strip()
            if typed:
                participation.person = new_person(read_printed_name(typed), as_printed=typed)
                row.changed_data.append("person")
            title = data.get("new_title", "").strip()
            if title and participation.person_id:
                participation.position, _ = Position.objects.get_or_create(
                    person=participation.person,
                    institution=data.get("new_title_at") or data["on_behalf_of"],
                    title=title,
                    as_of=agreement.signed_on,
                    defaults={
                        "as_of_precision": agreement.signed_on_precision,
                        "source": data.get("source") or source,
                        "quote": data.get("quote", ""),
                    },
                )
                row.changed_data.append("position")

    @admin.action(description=_("Publish selected agreements"), permissions=["change"])
    def publish(self, request, queryset):
        published, already = [], []
        for agreement in (
            queryset.prefetch_related(None)
            .prefetch_related(
                Prefetch(
                    "party_links", queryset=AgreementParty.objects.select_related("institution")
                )
            )
            .annotate(source_count=Count("source_links", distinct=True))
        ):
            if agreement.is_published:
                already.append(agreement)
                continue
            agreement.status = AgreementStatus.PUBLISHED
            problems = agreement.publication_problems(
                list(agreement.party_links.all()), agreement.source_count
            )
            try:
                agreement.clean()
            except ValidationError as error:
                problems += error.messages
            if problems:
                messages.error(
                    request,
                    gettext("“%(title)s” was not published: %(problems)s")
                    % {"title": agreement.title, "problems": " ".join(problems)},
                )
                continue
            agreement.record_publication()
            agreement.save(update_fields=["status", "published_at", "updated_at"])
            self.log_change(request, agreement, gettext("Published."))
            published.append(agreement)
        if published:
            messages.success(
                request,
                ngettext(
                    "Published %(count)d agreement: %(titles)s.",
                    "Published %(count)d agreements: %(titles)s.",
                    len(published),
                )
                % {"count": len(published), "titles": _titles(published)},
            )
        if already:
            messages.info(
                request,
                gettext("Already published, left as they were: %(titles)s.")
                % {"titles": _titles(already)},
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
            self.log_change(request, agreement, gettext("Returned to draft."))
            returned.append(agreement)
        if returned:
            messages.success(
                request,
                ngettext(
                    "Returned %(count)d agreement to draft; readers no longer see it: %(titles)s.",
                    "Returned %(count)d agreements to draft; readers no longer see them: "
                    "%(titles)s.",
                    len(returned),
                )
                % {"count": len(returned), "titles": _titles(returned)},
            )
        if already:
            messages.info(
                request,
                gettext("Already drafts, left as they were: %(titles)s.")
                % {"titles": _titles(already)},
            )


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
