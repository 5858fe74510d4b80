"""One save: a reviewed proposal becomes a draft agreement, every row cited to its source.

The editor's reviewed facts arrive as plain data (see ``curation.forms``); this module
checks each record with the model's own rules and writes them all in one transaction, or
none of them, raising ``ValidationError`` with messages that name the fact at fault.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    DatePrecision,
    EstablishedBody,
    Institution,
    InstitutionKind,
    InstitutionName,
    InstitutionNameType,
    Participation,
    ParticipationRole,
    Person,
    Position,
    Source,
)

from .extract import kind_from_name
from .names import name_key

KIND_FOR_MODEL = {
    "university": InstitutionKind.UNIVERSITY,
    "hospital": InstitutionKind.HOSPITAL,
    "health_system": InstitutionKind.HEALTH_SYSTEM,
    "research_institute": InstitutionKind.RESEARCH_INSTITUTE,
    "other": InstitutionKind.OTHER,
}
ROLE_FOR_DRAFT = {
    "signatory": ParticipationRole.SIGNED,
    "witness": ParticipationRole.WITNESSED,
    "presided": ParticipationRole.PRESIDED,
    "speaker": ParticipationRole.SPOKE,
    "attendee": ParticipationRole.ATTENDED,
    "unveiled": ParticipationRole.UNVEILED,
}


@dataclass
class ReviewedParty:
    name: str
    kind: str
    existing: Institution | None = None
    abbreviation: str = ""
    city: str = ""
    country: str = ""
    quote: str = ""


@dataclass
class ReviewedPerson:
    printed: str
    family_name: str
    given_name: str
    name_order: str
    honorifics: str = ""
    title: str = ""
    institution: str = ""  # a party's or an organisation's name, as on the review page
    roles: dict = field(default_factory=dict)  # draft role -> quote
    on_behalf_of: str = ""  # a party's name
    quote: str = ""
    existing: Person | None = None  # the directory record the editor chose


@dataclass
class ReviewedDraft:
    source_title: str
    source_url: str
    source_publisher: str
    source_published_on: object
    title: str
    kind: str
    signed_on: object
    signed_on_precision: str
    place: str = ""
    city: str = ""
    term_months: int | None = None
    quotes: dict = field(default_factory=dict)  # title/signed_on/place/term -> sentence
    parties: list = field(default_factory=list)
    people: list = field(default_factory=list)
    focus_areas: list = field(default_factory=list)  # (FocusArea, quote)
    established: list = field(default_factory=list)  # (name, kind, planned, quote)


def unique_slug(model, text, max_length=100):
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base[: max_length - 4]}-{number}"
        number += 1
    return slug


def _checked(obj, label, exclude=()):
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as error:
        messages = [f"{label}: {message}" for message in error.messages]
        raise ValidationError(messages) from error
    return obj


def _saved(obj, label, exclude=()):
    _checked(obj, label, exclude)
    obj.save()
    return obj


@transaction.atomic
def save_reviewed_draft(reviewed):
    """Create the draft agreement and everything it cites; return the agreement."""
    source = _source(reviewed)
    agreement = _saved(
        Agreement(
            slug=unique_slug(Agreement, f"{reviewed.title} {_year(reviewed)}", 150),
            title=reviewed.title,
            kind=reviewed.kind,
            signed_on=reviewed.signed_on,
            signed_on_precision=reviewed.signed_on_precision,
            place=reviewed.place,
            city=reviewed.city,
            term_months=reviewed.term_months,
            status=AgreementStatus.DRAFT,
            evidence_source=source,
            title_quote=reviewed.quotes.get("title", ""),
            signed_on_quote=reviewed.quotes.get("signed_on", ""),
            place_quote=reviewed.quotes.get("place", ""),
            term_quote=reviewed.quotes.get("term", ""),
        ),
        "Agreement",
    )
    AgreementSource.objects.create(agreement=agreement, source=source)

    institutions = {}
    for order, party in enumerate(reviewed.parties, start=1):
        institution = _institution(party, source)
        institutions[party.name] = institution
        _saved(
            AgreementParty(
                agreement=agreement,
                institution=institution,
                order=order,
                source=source,
                quote=party.quote,
            ),
            f"Party {party.name}",
        )

    for order, person in enumerate(reviewed.people, start=1):
        _person_and_roles(agreement, person, institutions, source, order)

    for focus_area, quote in reviewed.focus_areas:
        _saved(
            AgreementFocusArea(
                agreement=agreement, focus_area=focus_area, source=source, quote=quote
            ),
            f"Field {focus_area}",
        )
    for name, kind, planned, quote in reviewed.established:
        _saved(
            EstablishedBody(
                agreement=agreement,
                name=name,
                kind=kind,
                planned=planned,
                source=source,
                quote=quote,
            ),
            f"Established body {name}",
        )
    return agreement


def _year(reviewed):
    return reviewed.signed_on.year if reviewed.signed_on else ""


def _source(reviewed):
    if reviewed.source_url:
        existing = Source.objects.filter(url=reviewed.source_url).first()
        if existing:
            return existing
    return _saved(
        Source(
            slug=unique_slug(Source, reviewed.source_title),
            title=reviewed.source_title,
            url=reviewed.source_url,
            publisher=reviewed.source_publisher,
            published_on=reviewed.source_published_on,
            notes="Drafted from a press release pasted into the admin.",
        ),
        "Source",
    )


def _institution(party, source):
    if party.existing is not None:
        return party.existing
    institution = _saved(
        Institution(
            slug=unique_slug(Institution, party.name),
            name=party.name,
            kind=party.kind,
            city=party.city,
            country=party.country,
            # Not public until an agreement it belongs to is published (or an editor
            # publishes it): see ``querysets.public_condition``.
            published=False,
        ),
        f"New institution {party.name}",
    )
    if party.abbreviation:
        _saved(
            InstitutionName(
                institution=institution,
                name=party.abbreviation,
                name_type=InstitutionNameType.ACRONYM,
                source=source,
                quote=party.quote,
            ),
            f"Acronym of {party.name}",
        )
    return institution


def _find_person(person):
    key = name_key(person.family_name, person.given_name)
    candidates = Person.objects.filter(family_name__iexact=person.family_name)
    matches = [
        candidate
        for candidate in candidates
        if name_key(candidate.family_name, candidate.given_name) == key
    ]
    return matches[0] if len(matches) == 1 else None


def _person_and_roles(agreement, person, institutions, source, order):
    record = person.existing or _find_person(person)
    if record is None:
        record = _saved(
            Person(
                slug=unique_slug(Person, f"{person.family_name} {person.given_name}"),
                family_name=person.family_name,
                given_name=person.given_name,
                name_order=person.name_order,
                honorifics=person.honorifics,
                published=False,
            ),
            f"Person {person.printed}",
        )
    position = None
    if person.title and person.institution:
        institution = institutions.get(person.institution) or _institution(
            ReviewedParty(
                name=person.institution,
                kind=KIND_FOR_MODEL[kind_from_name(person.institution)],
                quote=person.quote,
            ),
            source,
        )
        institutions.setdefault(person.institution, institution)
        position = _position(record, institution, person, agreement, source)
    on_behalf_of = institutions.get(person.on_behalf_of)
    for draft_role, quote in person.roles.items():
        role = ROLE_FOR_DRAFT[draft_role]
        _saved(
            Participation(
                agreement=agreement,
                person=record,
                role=role,
                on_behalf_of=on_behalf_of if role == ParticipationRole.SIGNED else None,
                position=position,
                order=order,
                source=source,
                quote=quote,
            ),
            f"{person.printed} ({draft_role})",
        )


def _position(record, institution, person, agreement, source):
    # The title as held at the signing: dated as precisely as the signing is.
    as_of = agreement.signed_on
    precision = agreement.signed_on_precision if as_of else DatePrecision.UNKNOWN
    existing = Position.objects.filter(
        person=record, institution=institution, title=person.title, as_of=as_of
    ).first()
    if existing:
        return existing
    return _saved(
        Position(
            person=record,
            institution=institution,
            title=person.title,
            as_of=as_of,
            as_of_precision=precision,
            source=source,
            quote=person.quote,
        ),
        f"Position of {person.printed}",
    )
