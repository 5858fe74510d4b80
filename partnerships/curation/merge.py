"""Merge one record into another: the same institution, person or field entered twice.

Every link moves to the kept record (rows that would repeat one it already has are
dropped), the other's names stay as other names, blanks of the kept record are filled
from the other, the other's address (and its own old addresses) lead permanently to the
kept one, and each change is saved through the ORM so that history records it with the
editor and the reason.
"""

from django.db import transaction

from partnerships.curation.duplicates import normalise
from partnerships.models import (
    AgreementFocusArea,
    AgreementParty,
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionNameType,
    InstitutionRelation,
    Participation,
    Person,
    PersonName,
    Position,
    SlugRedirect,
)

MERGEABLE = (Institution, Person, FocusArea)
# Filled on the kept record when it has none and the other has one.
FILLED_FROM_OTHER = {
    Institution: ("city", "region", "country", "website", "ror_id", "wikidata_id", "description"),
    Person: ("native_name", "honorifics"),
    FocusArea: ("description",),
}


class MergeRefused(Exception):
    """Why a merge cannot be done, in an editor's words."""


def merge(other, kept):
    """Merge ``other`` into ``kept`` and delete ``other``; returns ``kept``.

    Raises :class:`MergeRefused` for a record merged into itself, into a record of
    another type, or a field whose sub-fields a sub-field cannot take.
    """
    if type(other) is not type(kept):
        raise MergeRefused(
            f"“{other}” is {_a(other)} and “{kept}” is {_a(kept)}: only records of the same "
            "type can be merged."
        )
    if not isinstance(kept, MERGEABLE):
        raise MergeRefused(f"{type(kept)._meta.verbose_name_plural.capitalize()} are not merged.")
    if other.pk == kept.pk:
        raise MergeRefused(f"“{kept}” cannot be merged into itself.")
    reason = f"Merged “{other}” ({other.slug}) into “{kept}” ({kept.slug})."
    with transaction.atomic():
        kept = type(kept).objects.select_for_update().get(pk=kept.pk)
        other = type(other).objects.select_for_update().get(pk=other.pk)
        match kept:
            case Institution():
                _move_institution_links(other, kept, reason)
            case Person():
                _move_person_links(other, kept, reason)
            case FocusArea():
                _move_focus_area_links(other, kept, reason)
        _fill_blanks(other, kept)
        _lead_addresses(other, kept)
        other._change_reason = reason
        other.delete()
        kept._change_reason = reason
        kept.save()
    return kept


def _a(record):
    name = type(record)._meta.verbose_name
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _save(row, reason):
    row._change_reason = reason
    row.save()


def _drop(row, reason):
    row._change_reason = reason
    row.delete()


def _fill_blanks(other, kept):
    for field in FILLED_FROM_OTHER[type(kept)]:
        if not getattr(kept, field) and getattr(other, field):
            setattr(kept, field, getattr(other, field))
            # Unique identifiers: the other must let go before the kept record takes them.
            if field in ("ror_id", "wikidata_id"):
                type(other).objects.filter(pk=other.pk).update(**{field: ""})


def _lead_addresses(other, kept):
    model = kept.ADDRESSED_AS
    SlugRedirect.objects.filter(model=model, object_id=other.pk).update(object_id=kept.pk)
    SlugRedirect.objects.update_or_create(
        model=model, old_slug=other.slug, defaults={"object_id": kept.pk, "reason": "merged"}
    )


def _move_position(position, kept_person=None, kept_institution=None, reason=""):
    """Move a position to the kept person or institution, or, when the kept record holds
    the same one already, move its participations there and drop it."""
    person_id = kept_person.pk if kept_person else position.person_id
    institution_id = kept_institution.pk if kept_institution else position.institution_id
    same = (
        Position.objects.filter(
            person_id=person_id,
            institution_id=institution_id,
            title=position.title,
            as_of=position.as_of,
        )
        .exclude(pk=position.pk)
        .first()
    )
    if same is None:
        position.person_id, position.institution_id = person_id, institution_id
        _save(position, reason)
        return
    for participation in Participation.objects.filter(position=position):
        participation.position = same
        _save(participation, reason)
    _drop(position, reason)


def _move_institution_links(other, kept, reason):
    for party in AgreementParty.objects.filter(institution=other):
        if AgreementParty.objects.filter(agreement=party.agreement_id, institution=kept).exists():
            _drop(party, reason)
        else:
            party.institution = kept
            _save(party, reason)
    for participation in Participation.objects.filter(on_behalf_of=other):
        participation.on_behalf_of = kept
        _save(participation, reason)
    for position in Position.objects.filter(institution=other):
        _move_position(position, kept_institution=kept, reason=reason)
    kept_names = set(kept.names.values_list("name", "name_type"))
    for name in InstitutionName.objects.filter(institution=other):
        if (name.name, name.name_type) in kept_names:
            _drop(name, reason)
        else:
            name.institution = kept
            _save(name, reason)
            kept_names.add((name.name, name.name_type))
    if other.name != kept.name and (other.name, InstitutionNameType.ALIAS) not in kept_names:
        _save(
            InstitutionName(institution=kept, name=other.name, name_type=InstitutionNameType.ALIAS),
            reason,
        )
    for relation in InstitutionRelation.objects.filter(subject=other) | (
        InstitutionRelation.objects.filter(object=other)
    ):
        subject = kept.pk if relation.subject_id == other.pk else relation.subject_id
        object_ = kept.pk if relation.object_id == other.pk else relation.object_id
        repeated = InstitutionRelation.objects.filter(
            subject=subject, relation_type=relation.relation_type, object=object_
        ).exclude(pk=relation.pk)
        if subject == object_ or repeated.exists():
            _drop(relation, reason)
        else:
            relation.subject_id, relation.object_id = subject, object_
            _save(relation, reason)


def _move_person_links(other, kept, reason):
    for position in Position.objects.filter(person=other):
        _move_position(position, kept_person=kept, reason=reason)
    for participation in Participation.objects.filter(person=other):
        if Participation.objects.filter(
            agreement=participation.agreement_id, person=kept, role=participation.role
        ).exists():
            _drop(participation, reason)
        else:
            participation.person = kept
            _save(participation, reason)
    kept_names = set(kept.other_names.values_list("name", flat=True)) | {kept.display_name}
    for name in PersonName.objects.filter(person=other):
        if name.name in kept_names:
            _drop(name, reason)
        else:
            name.person = kept
            _save(name, reason)
            kept_names.add(name.name)
    if other.display_name not in kept_names:
        _save(PersonName(person=kept, name=other.display_name), reason)


def _move_focus_area_links(other, kept, reason):
    if kept.parent_id is not None and other.children.exists():
        raise MergeRefused(
            f"“{other}” has sub-fields and “{kept}” is itself a sub-field: fields form two "
            f"levels only. Merge “{kept}” into “{other}” instead, or move the sub-fields first."
        )
    for link in AgreementFocusArea.objects.filter(focus_area=other):
        if AgreementFocusArea.objects.filter(agreement=link.agreement_id, focus_area=kept).exists():
            _drop(link, reason)
        else:
            link.focus_area = kept
            _save(link, reason)
    if kept.parent_id == other.pk:
        # A sub-field kept over its parent takes the parent's place (saved now: the parent
        # is protected from deletion while it has sub-fields).
        kept.parent = other.parent
        _save(kept, reason)
    for child in FocusArea.objects.filter(parent=other).exclude(pk=kept.pk):
        child.parent = kept
        _save(child, reason)
    # The other's name and synonyms become synonyms of the kept field.
    synonyms = kept.synonym_list
    known = {normalise(name) for name in [kept.name, *synonyms]}
    for name in [other.name, *other.synonym_list]:
        if normalise(name) not in known:
            synonyms.append(name)
            known.add(normalise(name))
    kept.synonyms = "\n".join(synonyms)
