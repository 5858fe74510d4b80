"""“New agreement from a press release”: paste, review every proposed fact, save once."""

import html
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext

from partnerships.curation.extract import draft_from_text
from partnerships.curation.forms import (
    AgreementReviewForm,
    EstablishedFormSet,
    FocusAreaFormSet,
    PartyFormSet,
    PasteForm,
    PersonFormSet,
    initial_from_draft,
    reviewed_from_forms,
    warn_of_duplicates,
)
from partnerships.curation.save import save_reviewed_draft
from partnerships.curation.text import DraftInputError, split_sentences

PREFIXES = {"parties": "party", "people": "person", "focus_areas": "field", "established": "body"}


class PressReleaseDraftMixin:
    """Adds the drafting page to the agreement admin, for editors who may add agreements."""

    def get_urls(self):
        urls = [
            path(
                "from-press-release/",
                self.admin_site.admin_view(self.from_press_release_view),
                name="partnerships_agreement_from_press_release",
            ),
        ]
        return urls + super().get_urls()

    def from_press_release_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "save_draft" in request.POST:
            return self._review(request)
        form = PasteForm(request.POST or None) if request.method == "POST" else PasteForm()
        if request.method == "POST" and form.is_valid():
            try:
                draft = draft_from_text(
                    form.cleaned_data["text"],
                    url=form.cleaned_data["url"],
                    title=form.cleaned_data["title"],
                    published=form.cleaned_data["published"],
                )
            except DraftInputError as error:
                form.add_error("text", str(error))
            else:
                for problem in dict.fromkeys(draft.problems):
                    messages.warning(request, problem)
                agreement, parties, people, fields, bodies = initial_from_draft(draft)
                forms = {
                    "agreement_form": AgreementReviewForm(initial=agreement),
                    "parties": PartyFormSet(initial=parties, prefix=PREFIXES["parties"]),
                    "people": PersonFormSet(initial=people, prefix=PREFIXES["people"]),
                    "focus_areas": FocusAreaFormSet(initial=fields, prefix=PREFIXES["focus_areas"]),
                    "established": EstablishedFormSet(
                        initial=bodies, prefix=PREFIXES["established"]
                    ),
                }
                return self._render_review(request, draft.text, forms)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("New agreement from a press release"),
            "form": form,
        }
        return TemplateResponse(request, "admin/partnerships/agreement/press_release.html", context)

    def _review(self, request):
        forms = {
            "agreement_form": AgreementReviewForm(request.POST),
            "parties": PartyFormSet(request.POST, prefix=PREFIXES["parties"]),
            "people": PersonFormSet(request.POST, prefix=PREFIXES["people"]),
            "focus_areas": FocusAreaFormSet(request.POST, prefix=PREFIXES["focus_areas"]),
            "established": EstablishedFormSet(request.POST, prefix=PREFIXES["established"]),
        }
        text = request.POST.get("text", "")
        save_errors = []
        if (
            all(form.is_valid() for form in forms.values())
            and self._parties_agree(forms)
            and warn_of_duplicates(forms["parties"], forms["people"])
        ):
            reviewed = reviewed_from_forms(
                forms["agreement_form"],
                forms["parties"],
                forms["people"],
                forms["focus_areas"],
                forms["established"],
            )
            if len(reviewed.parties) == 0:
                save_errors.append(
                    gettext("Keep at least one party: an agreement is between parties.")
                )
            else:
                try:
                    agreement = save_reviewed_draft(reviewed)
                except ValidationError as error:
                    save_errors = error.messages
                else:
                    messages.success(
                        request,
                        gettext(
                            "Saved “%(title)s” as a draft, with its source and every fact "
                            "cited. Check it, then publish it from this page."
                        )
                        % {"title": agreement.title},
                    )
                    return redirect(
                        reverse("admin:partnerships_agreement_change", args=[agreement.pk])
                    )
        return self._render_review(request, text, forms, save_errors)

    def _parties_agree(self, forms):
        """A signatory's "on behalf of" names one of the kept parties."""
        kept = {
            form.cleaned_data["name"] for form in forms["parties"] if form.cleaned_data.get("keep")
        }
        agree = True
        for form in forms["people"]:
            behalf = form.cleaned_data.get("on_behalf_of")
            if form.cleaned_data.get("keep") and behalf and behalf not in kept:
                form.add_error(
                    "on_behalf_of",
                    gettext("“%(party)s” is not one of the kept parties.") % {"party": behalf},
                )
                agree = False
        return agree

    def _render_review(self, request, text, forms, save_errors=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Review the proposed agreement"),
            "marked_text": marked_text(text, forms),
            "save_errors": save_errors,
            **forms,
        }
        return TemplateResponse(
            request, "admin/partnerships/agreement/press_release_review.html", context
        )


def _quotes(forms):
    """Each evidence sentence and the facts it supports, as labels."""
    labels = {}

    def add(quote, label):
        if quote:
            labels.setdefault(quote.strip(), []).append(label)

    agreement = forms["agreement_form"]
    for field, label in (
        ("title_quote", pgettext("fact read from a sentence", "title")),
        ("signed_on_quote", pgettext("fact read from a sentence", "signing date")),
        ("place_quote", pgettext("fact read from a sentence", "place")),
        ("term_quote", pgettext("fact read from a sentence", "term")),
    ):
        add(_value(agreement, field), label)
    for form in forms["parties"]:
        add(_value(form, "quote"), gettext("party: %(name)s") % {"name": _value(form, "name")})
    for form in forms["people"]:
        add(_value(form, "quote"), gettext("person: %(name)s") % {"name": _value(form, "printed")})
    for form in forms["focus_areas"]:
        add(_value(form, "quote"), pgettext("fact read from a sentence", "field"))
    for form in forms["established"]:
        add(
            _value(form, "quote"),
            gettext("establishes: %(name)s") % {"name": _value(form, "name")},
        )
    return labels


def _value(form, field):
    return form[field].value() or ""


def marked_text(text, forms):
    """The release as paragraphs, each evidence sentence marked with the facts it gives."""
    labels = _quotes(forms)
    sentences = split_sentences(text)
    pieces = []
    position = 0
    for sentence in sentences:
        pieces.append(html.escape(text[position : sentence.start]))
        escaped = html.escape(sentence.text)
        facts = labels.get(sentence.text.strip())
        if facts:
            pieces.append(
                f'<mark id="sentence-{sentence.index}">{escaped}</mark>'
                f'<span class="fact-labels" lang="{get_language()}"> '
                f"[{html.escape(gettext('; ').join(facts))}]</span>"
            )
        else:
            pieces.append(escaped)
        position = sentence.end
    pieces.append(html.escape(text[position:]))
    paragraphs = re.split(r"\n\s*\n", "".join(pieces))
    return mark_safe(
        "".join(
            f"<p>{paragraph.strip().replace(chr(10), '<br>')}</p>"
            for paragraph in paragraphs
            if paragraph.strip()
        )
    )
