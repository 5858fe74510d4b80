"""The editors' two steps: paste a release, then review every proposed fact."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerships.models import (
    AgreementKind,
    DatePrecision,
    EstablishedBodyKind,
    FocusArea,
    Institution,
    InstitutionKind,
    NameOrder,
    Person,
)
from partnerships.models.institutions import country_choices

from .dates import parse_publication_date
from .extract import ROLES
from .names import parse_person_name
from .save import KIND_FOR_MODEL, ReviewedDraft, ReviewedParty, ReviewedPerson
from .text import DraftInputError, check_text

ROLE_LABELS = {
    "signatory": _("signed"),
    "witness": _("witnessed"),
    "presided": _("presided or hosted"),
    "speaker": _("spoke"),
    "attendee": _("attended"),
    "unveiled": _("unveiled the nameplate"),
}


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the press release"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90}),
        strip=False,
        help_text=_(
            "Paste the whole release. Lines at the top such as “Source: https://…” and "
            "“Title: …” are read as its address and title."
        ),
    )
    url = forms.URLField(
        label=_("Address (URL) of the release"), required=False, assume_scheme="https"
    )
    title = forms.CharField(label=_("Title of the release"), required=False, max_length=300)
    published = forms.CharField(
        label=_("Publication date"),
        required=False,
        max_length=40,
        help_text=_(
            "As the release gives it, e.g. 18 March 2024 or 2024-03-18. Dates such as "
            "“today” or “on 17 April” in the text are read against it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Null characters mean a binary file: check_text says so in words an editor follows.
        self.fields["text"].validators = []

    def clean_text(self):
        try:
            return check_text(self.cleaned_data["text"])
        except DraftInputError as error:
            raise ValidationError(str(error)) from error

    def clean_published(self):
        typed = self.cleaned_data["published"].strip()
        if typed and parse_publication_date(typed) is None:
            raise ValidationError(gettext("Enter the date as 18 March 2024 or 2024-03-18."))
        return typed


class AgreementReviewForm(forms.Form):
    source_title = forms.CharField(label=_("Title of the release"), max_length=300)
    source_url = forms.URLField(label=_("Address (URL)"), required=False, assume_scheme="https")
    source_publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    source_published_on = forms.DateField(
        label=_("Published on"),
        required=False,
        help_text=_("Leave empty when the release does not say."),
    )
    title = forms.CharField(label=_("Title of the agreement"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        help_text=_("A month is entered as its first day, a year as 1 January."),
    )
    signed_on_precision = forms.ChoiceField(
        label=_("Precision of the signing date"), choices=DatePrecision.choices
    )
    place = forms.CharField(label=_("Place (venue)"), required=False, max_length=200)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    term_months = forms.IntegerField(label=_("Term (months)"), required=False, min_value=1)
    title_quote = forms.CharField(required=False, widget=forms.HiddenInput)
    signed_on_quote = forms.CharField(required=False, widget=forms.HiddenInput)
    place_quote = forms.CharField(required=False, widget=forms.HiddenInput)
    term_quote = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        signed_on, precision = cleaned.get("signed_on"), cleaned.get("signed_on_precision")
        if signed_on is None and precision and precision != DatePrecision.UNKNOWN:
            self.add_error(
                "signed_on", gettext("Enter the date, or set its precision to “Not stated”.")
            )
        if signed_on is not None and precision == DatePrecision.UNKNOWN:
            self.add_error(
                "signed_on_precision",
                gettext("Say whether the release gives the day, month or year."),
            )
        if signed_on and precision == DatePrecision.MONTH and signed_on.day != 1:
            self.add_error("signed_on", gettext("Only the month is known: enter its first day."))
        if (
            signed_on
            and precision == DatePrecision.YEAR
            and (signed_on.month, signed_on.day)
            != (
                1,
                1,
            )
        ):
            self.add_error(
                "signed_on", gettext("Only the year is known: enter 1 January of that year.")
            )
        return cleaned


class FactForm(forms.Form):
    """A proposed fact the editor keeps (ticked) or drops (unticked)."""

    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    quote = forms.CharField(required=False, widget=forms.HiddenInput)

    def kept(self):
        return self.is_valid() and self.cleaned_data.get("keep")


class CreatesRecords(FactForm):
    """A row that may create a new record: warned of near-duplicates at save time."""

    # Shown (as a box to tick) only once the row was found alike to a directory record.
    not_a_duplicate = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label=_("None of these: create a new record"),
    )

    def warn_of(self, found, use_instead):
        from partnerships.admin.base import duplicates_warning

        self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
        self.add_error(
            None, duplicates_warning(found, self.fields["not_a_duplicate"].label, use_instead)
        )


class PartyForm(CreatesRecords):
    def __init__(self, *args, institutions_by_slug=None, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the whole formset (see ``PartyFormSetBase``), not one per party.
        self.institutions_by_slug = institutions_by_slug or (
            lambda slug: Institution.objects.filter(slug=slug).first()
        )

    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    abbreviation = forms.CharField(label=_("Acronym"), max_length=255, required=False)
    existing = forms.CharField(
        label=_("Directory record (slug)"),
        max_length=120,
        required=False,
        help_text=_("The institution already in the directory; empty creates a new one."),
    )
    # Field initials: a blank "missed row" left as it came counts as unchanged (skipped).
    kind = forms.ChoiceField(
        label=_("Kind"), choices=InstitutionKind.choices, initial=InstitutionKind.UNIVERSITY
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Not stated")), *country_choices()], required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("keep"):
            return cleaned
        slug = cleaned.get("existing", "").strip()
        if slug:
            institution = self.institutions_by_slug(slug)
            if institution is None:
                self.add_error(
                    "existing", gettext("No institution has the slug “%(slug)s”.") % {"slug": slug}
                )
            cleaned["institution"] = institution
            cleaned["name"] = cleaned.get("name") or getattr(institution, "name", "")
        elif not cleaned.get("name"):
            self.add_error("name", gettext("Enter the institution’s name, or untick Keep."))
        return cleaned


class PersonForm(CreatesRecords):
    printed = forms.CharField(label=_("Name as printed"), max_length=200, required=False)
    existing = forms.CharField(
        label=_("Directory record (slug)"),
        max_length=120,
        required=False,
        help_text=_(
            "The person already in the directory; empty reuses one of the same name "
            "or creates a new one."
        ),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    name_order = forms.ChoiceField(
        label=_("Name order"), choices=NameOrder.choices, initial=NameOrder.FAMILY_FIRST
    )
    honorifics = forms.CharField(label=_("Honorifics"), max_length=100, required=False)
    title = forms.CharField(label=_("Title at the signing"), max_length=200, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=255, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Did"),
        choices=[(role, ROLE_LABELS[role]) for role in ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    on_behalf_of = forms.CharField(
        label=_("Signed on behalf of"),
        max_length=255,
        required=False,
        help_text=_("A party’s name."),
    )
    role_quotes = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("keep"):
            return cleaned
        slug = cleaned.get("existing", "").strip()
        cleaned["person"] = Person.objects.filter(slug=slug).first() if slug else None
        if slug and cleaned["person"] is None:
            self.add_error(
                "existing", gettext("No person has the slug “%(slug)s”.") % {"slug": slug}
            )
        if not cleaned.get("family_name"):
            if cleaned.get("printed"):
                parsed = parse_person_name(cleaned["printed"])
                cleaned["family_name"], cleaned["given_name"] = (
                    parsed.family_name,
                    parsed.given_name,
                )
            else:
                self.add_error("family_name", gettext("Enter the family name, or untick Keep."))
        if not cleaned.get("roles"):
            self.add_error(
                "roles", gettext("Tick what this person did at the signing, or untick Keep.")
            )
        if cleaned.get("on_behalf_of") and "signatory" not in cleaned.get("roles", []):
            self.add_error("on_behalf_of", gettext("Only a signatory signs on behalf of a party."))
        try:
            cleaned["role_quotes"] = json.loads(cleaned.get("role_quotes") or "{}")
        except ValueError:
            cleaned["role_quotes"] = {}
        return cleaned


class FocusAreaForm(FactForm):
    # A plain choice of ids, filled once per formset (``FocusAreaFormSetBase``): a
    # ModelChoiceField would read the whole field tree again for every row.
    focus_area = forms.TypedChoiceField(
        label=_("Field"), choices=(), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, focus_areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_areas = focus_areas if focus_areas is not None else _focus_areas()
        self.fields["focus_area"].choices = [("", "---------")] + [
            (area.pk, str(area)) for area in self.focus_areas.values()
        ]

    def get_initial_for_field(self, field, field_name):
        # The proposal names a FocusArea; the choice is by id.
        value = super().get_initial_for_field(field, field_name)
        return value.pk if isinstance(value, FocusArea) else value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("focus_area") is not None:
            cleaned["focus_area"] = self.focus_areas.get(cleaned["focus_area"])
        if cleaned.get("keep") and not cleaned.get("focus_area"):
            self.add_error("focus_area", gettext("Choose the field, or untick Keep."))
        return cleaned


def _focus_areas():
    return {area.pk: area for area in FocusArea.objects.order_by("name")}


class EstablishedForm(FactForm):
    name = forms.CharField(label=_("Name"), max_length=250, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=EstablishedBodyKind.choices,
        initial=EstablishedBodyKind.choices[0][0],
    )
    planned = forms.BooleanField(label=_("Announced as a plan"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("keep") and not cleaned.get("name"):
            self.add_error("name", gettext("Enter the name, or untick Keep."))
        return cleaned


class PartyFormSetBase(forms.BaseFormSet):
    """Reads the institutions every row names by slug in one query."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "institutions_by_slug": self._institution}

    def _institution(self, slug):
        if not hasattr(self, "_institutions"):
            slugs = set()
            for index in range(self.total_form_count()):
                key = f"{self.add_prefix(index)}-existing"
                value = self.data.get(key) if self.is_bound else None
                if value is None and index < len(self.initial or []):
                    value = self.initial[index].get("existing")
                if value:
                    slugs.add(value.strip())
            self._institutions = {
                institution.slug: institution
                for institution in Institution.objects.filter(slug__in=slugs)
            }
        return self._institutions.get(slug)


class FocusAreaFormSetBase(forms.BaseFormSet):
    """Reads the field tree once for every row."""

    def get_form_kwargs(self, index):
        if not hasattr(self, "_focus_areas"):
            self._focus_areas = _focus_areas()
        return {**super().get_form_kwargs(index), "focus_areas": self._focus_areas}


# A few blank rows under the proposed ones: a party, person or field the reading missed
# is added by typing it there (no JavaScript). A blank row left as it came is skipped.
MISSED_ROWS = 2
PartyFormSet = forms.formset_factory(PartyForm, formset=PartyFormSetBase, extra=MISSED_ROWS)
PersonFormSet = forms.formset_factory(PersonForm, extra=MISSED_ROWS)
FocusAreaFormSet = forms.formset_factory(
    FocusAreaForm, formset=FocusAreaFormSetBase, extra=MISSED_ROWS
)
EstablishedFormSet = forms.formset_factory(EstablishedForm, extra=1)


def initial_from_draft(draft):
    """Initial data of the review forms: the draft's proposal, every fact kept."""
    agreement = {
        "source_title": draft.source_title[:300],
        "source_url": draft.source_url,
        "source_published_on": draft.published.value
        if draft.published and draft.published.precision == DatePrecision.DAY
        else None,
        "title": draft.title[:300],
        "kind": draft.kind,
        "signed_on": draft.signed.value if draft.signed else None,
        "signed_on_precision": draft.signed.precision if draft.signed else DatePrecision.UNKNOWN,
        "place": draft.place,
        "city": draft.city,
        "term_months": draft.term_months,
        "title_quote": draft.sentence_text(draft.title_sentence),
        "signed_on_quote": draft.sentence_text(draft.signed_sentence),
        "place_quote": draft.sentence_text(draft.place_sentence),
        "term_quote": draft.sentence_text(draft.term_sentence),
        "text": draft.text,
    }
    parties = []
    for key in draft.parties:
        organisation = draft.organisations[key]
        parties.append(
            {
                "keep": True,
                "name": organisation.name,
                "abbreviation": organisation.abbreviation,
                "existing": organisation.matched or "",
                "kind": KIND_FOR_MODEL.get(organisation.kind, InstitutionKind.OTHER),
                "city": organisation.city,
                "country": organisation.country,
                "quote": draft.sentence_text(draft.party_sentences.get(key)),
            }
        )
    people = []
    for person in draft.people:
        people.append(
            {
                "keep": True,
                "printed": person.name,
                "family_name": person.parsed.family_name,
                "given_name": person.parsed.given_name,
                "name_order": person.parsed.name_order,
                "honorifics": person.honorific,
                "title": person.title,
                "institution": draft.organisation_name(person.institution),
                "roles": [role for role in ROLES if role in person.roles],
                "on_behalf_of": draft.organisation_name(person.on_behalf_of),
                "quote": draft.sentence_text(person.sentence),
                "role_quotes": json.dumps(
                    {role: draft.sentence_text(index) for role, index in person.roles.items()}
                ),
            }
        )
    names = {area.name: area for area in FocusArea.objects.all()}
    focus_areas = [
        {"keep": True, "focus_area": names[fact.name], "quote": draft.sentence_text(fact.sentence)}
        for fact in draft.focus_areas
        if fact.name in names
    ]
    established = [
        {
            "keep": True,
            "name": body.name,
            "kind": body.kind,
            "planned": body.planned,
            "quote": draft.sentence_text(body.sentence),
        }
        for body in draft.established
    ]
    return agreement, parties, people, focus_areas, established


def warn_of_duplicates(party_forms, people_forms):
    """Before one save: each new institution and new person a kept row would create,
    checked against the directory (``duplicates.py``). A row alike to a record gets a
    warning naming it, to use instead (its slug) or to confirm; ``True`` if none did."""
    from .duplicates import institution_duplicates, person_duplicates
    from .save import _find_person

    clear = True
    for form in party_forms:
        row = form.cleaned_data
        if not row.get("keep") or row.get("institution") or row.get("not_a_duplicate"):
            continue
        typed = [row["abbreviation"]] if row.get("abbreviation") else []
        found = institution_duplicates(row["name"], typed)
        if found:
            form.warn_of(found, gettext("put its slug in “Directory record” to use it"))
            clear = False
    for form in people_forms:
        row = form.cleaned_data
        if not row.get("keep") or row.get("person") or row.get("not_a_duplicate"):
            continue
        if _find_person(ReviewedPerson("", row["family_name"], row["given_name"], "")):
            continue  # The same name, normalised: that person is reused.
        found = person_duplicates(row["family_name"], row["given_name"])
        if found:
            form.warn_of(found, gettext("put its slug in “Directory record” to use it"))
            clear = False
    return clear


def reviewed_from_forms(agreement_form, party_forms, people_forms, field_forms, body_forms):
    """The kept facts of valid review forms, ready for ``save_reviewed_draft``."""
    data = agreement_form.cleaned_data
    parties = []
    for form in party_forms:
        if not form.cleaned_data.get("keep"):
            continue
        row = form.cleaned_data
        parties.append(
            ReviewedParty(
                name=row["name"],
                kind=row["kind"],
                existing=row.get("institution"),
                abbreviation=row["abbreviation"],
                city=row["city"],
                country=row["country"],
                quote=row["quote"],
            )
        )
    people = []
    for form in people_forms:
        row = form.cleaned_data
        if not row.get("keep"):
            continue
        people.append(
            ReviewedPerson(
                printed=row["printed"] or f"{row['family_name']} {row['given_name']}".strip(),
                family_name=row["family_name"],
                given_name=row["given_name"],
                name_order=row["name_order"],
                honorifics=row["honorifics"],
                title=row["title"],
                institution=row["institution"],
                roles={role: row["role_quotes"].get(role, row["quote"]) for role in row["roles"]},
                on_behalf_of=row["on_behalf_of"] if "signatory" in row["roles"] else "",
                quote=row["quote"],
                existing=row.get("person"),
            )
        )
    return ReviewedDraft(
        source_title=data["source_title"],
        source_url=data["source_url"],
        source_publisher=data["source_publisher"],
        source_published_on=data["source_published_on"],
        title=data["title"],
        kind=data["kind"],
        signed_on=data["signed_on"],
        signed_on_precision=data["signed_on_precision"],
        place=data["place"],
        city=data["city"],
        term_months=data["term_months"],
        quotes={
            "title": data["title_quote"],
            "signed_on": data["signed_on_quote"] if data["signed_on"] else "",
            "place": data["place_quote"] if data["place"] or data["city"] else "",
            "term": data["term_quote"] if data["term_months"] else "",
        },
        parties=parties,
        people=people,
        focus_areas=[
            (form.cleaned_data["focus_area"], form.cleaned_data["quote"])
            for form in field_forms
            if form.cleaned_data.get("keep")
        ],
        established=[
            (
                form.cleaned_data["name"],
                form.cleaned_data["kind"],
                form.cleaned_data["planned"],
                form.cleaned_data["quote"],
            )
            for form in body_forms
            if form.cleaned_data.get("keep")
        ],
    )
