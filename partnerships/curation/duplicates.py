"""Near-duplicates of a record about to be created: one institution, person or field
entered twice under slightly different names.

Used by the admin's add forms (a warning the editor can confirm past) and meant for any
other way of creating records (a draft from a press release, an import). PostgreSQL
ranks candidates by trigram similarity (pg_trgm); SQLite compares normalised names.
Both also match exactly on shared acronyms and other names.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Concat, Greatest, Lower

from partnerships.models import (
    FocusArea,
    Institution,
    InstitutionName,
    Person,
    PersonName,
)

# How alike two names must be to be worth a warning (0–1).
SIMILAR_NAMES = 0.6
# The same on SQLite, as a difflib ratio of normalised names (ratios run higher).
SIMILAR_NORMALISED_NAMES = 0.85
MAX_CANDIDATES = 5
# Words too common in institution names to pick candidates by on SQLite.
GENERIC_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "at",
        "in",
        "a",
        "an",
        "university",
        "college",
        "hospital",
        "school",
        "institute",
        "medical",
        "medicine",
        "centre",
        "center",
        "academy",
        "national",
        "general",
        "people's",
        "peoples",
        "first",
        "second",
        "third",
        "affiliated",
        "health",
        "service",
        "services",
        "trust",
        "foundation",
        "nhs",
        "research",
        "sciences",
        "science",
        "technology",
    ]
)


@dataclass(frozen=True)
class PossibleDuplicate:
    record: object
    reason: str  # In an editor's words: "similar name", "shares the acronym PUMCH".
    similarity: float  # 1.0 for an exact match of a normalised name, acronym or other name.


def normalise(text):
    """Compare names as an editor reads them: case, accents, punctuation, "&" and a
    leading "The" do not make two names different."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def normalise_person(family_name, given_name=""):
    """ "FU Wei", "Fu Wei" and "Fu, Wei" are one person; "Gui-long" and "Guilong" too."""
    return normalise(family_name), normalise(given_name).replace(" ", "")


def _is_postgresql():
    return connection.vendor == "postgresql"


def _ratio(first, second):
    return difflib.SequenceMatcher(None, first, second).ratio()


def _distinctive_words(normalised):
    words = [word for word in normalised.split() if word not in GENERIC_WORDS and len(word) > 2]
    return sorted(words, key=len, reverse=True)[:2]


def _ranked(found, limit):
    """Best first, each record once (its strongest reason)."""
    best = {}
    for candidate in found:
        key = candidate.record.pk
        if key not in best or candidate.similarity > best[key].similarity:
            best[key] = candidate
    return sorted(best.values(), key=lambda candidate: -candidate.similarity)[:limit]


def institution_duplicates(name, other_names=(), *, exclude=None, limit=MAX_CANDIDATES):
    """Institutions that may be the one named ``name`` (with acronyms or other names
    ``other_names``), best first."""
    wanted = normalise(name)
    if not wanted:
        return []
    institutions = Institution.objects.exclude(pk=getattr(exclude, "pk", exclude))
    found = []

    # Exact, whatever the database: a shared acronym or other name, or one record's name
    # given as the other's other name.
    spelled = {text.strip() for text in (name, *other_names) if text and text.strip()}
    lowered = [text.lower() for text in spelled]
    for other in (
        InstitutionName.objects.filter(institution__in=institutions)
        .annotate(lowered=Lower("name"))
        .filter(lowered__in=lowered)
        .select_related("institution")[: limit * 2]
    ):
        found.append(
            PossibleDuplicate(other.institution, f"shares the other name “{other.name}”", 1.0)
        )
    exact_names = [text for text in lowered if text != name.strip().lower()]
    if exact_names:
        for institution in institutions.annotate(lowered=Lower("name")).filter(
            lowered__in=exact_names
        )[:limit]:
            found.append(PossibleDuplicate(institution, "its name is one of the names given", 1.0))

    found += _similar_by_name(institutions, "name", name, wanted, limit)
    return _ranked(found, limit)


def _similar_by_name(queryset, field, name, wanted, limit):
    if _is_postgresql():
        return [
            PossibleDuplicate(record, "similar name", round(record.similarity, 2))
            for record in queryset.annotate(similarity=TrigramSimilarity(field, name))
            .filter(similarity__gte=SIMILAR_NAMES)
            .order_by("-similarity")[:limit]
        ]
    words = _distinctive_words(wanted) or wanted.split()[:1]
    candidates = queryset.filter(
        Q.create([(f"{field}__icontains", word) for word in words], connector=Q.OR)
    )[:200]
    found = []
    for record in candidates:
        similarity = _ratio(wanted, normalise(getattr(record, field)))
        if similarity >= SIMILAR_NORMALISED_NAMES:
            found.append(PossibleDuplicate(record, "similar name", round(similarity, 2)))
    return found


def person_duplicates(family_name, given_name="", *, exclude=None, limit=MAX_CANDIDATES):
    """People who may be the one named ``family_name`` ``given_name``, best first."""
    family, given = normalise_person(family_name, given_name)
    if not family:
        return []
    people = Person.objects.exclude(pk=getattr(exclude, "pk", exclude))
    full = f"{family_name} {given_name}".strip()
    swapped_full = f"{given_name} {family_name}".strip()
    found = [
        PossibleDuplicate(other.person, f"has the other name “{other.name}”", 1.0)
        for other in PersonName.objects.filter(person__in=people)
        .annotate(lowered=Lower("name"))
        .filter(lowered__in=[full.lower(), swapped_full.lower()])
        .select_related("person")[:limit]
    ]
    if _is_postgresql():
        found += [
            PossibleDuplicate(person, "similar name", round(person.similarity, 2))
            for person in people.annotate(
                similarity=Greatest(
                    TrigramSimilarity(Concat("family_name", "given_name"), full.replace(" ", "")),
                    # The same name written the other way round (Wei Fu for Fu Wei).
                    TrigramSimilarity(Concat("given_name", "family_name"), full.replace(" ", "")),
                )
            )
            .filter(similarity__gte=SIMILAR_NAMES)
            .order_by("-similarity")[:limit]
        ]
        return _ranked(found, limit)
    # Either part may be the family name when the order is unclear.
    for person in people.filter(
        Q(family_name__iexact=family_name.strip())
        | Q(given_name__iexact=family_name.strip())
        | Q(family_name__iexact=given_name.strip())
    )[:200]:
        theirs = normalise_person(person.family_name, person.given_name)
        swapped = (theirs[1], theirs[0])
        if (family, given) in (theirs, swapped):
            found.append(PossibleDuplicate(person, "same name", 1.0))
        else:
            similarity = _ratio(family + given, theirs[0] + theirs[1])
            if similarity >= SIMILAR_NORMALISED_NAMES:
                found.append(PossibleDuplicate(person, "similar name", round(similarity, 2)))
    return _ranked(found, limit)


def focus_area_duplicates(name, *, exclude=None, limit=MAX_CANDIDATES):
    """Fields that may be the one named ``name``, best first."""
    wanted = normalise(name)
    if not wanted:
        return []
    areas = FocusArea.objects.exclude(pk=getattr(exclude, "pk", exclude))
    # Synonyms are lines of text: a candidate's whole line must match.
    found = [
        PossibleDuplicate(area, f"has the synonym “{synonym}”", 1.0)
        for area in areas.filter(synonyms__icontains=name.strip())[:limit]
        for synonym in area.synonym_list
        if normalise(synonym) == wanted
    ]
    if _is_postgresql():
        found += _similar_by_name(areas, "name", name, wanted, limit)
        return _ranked(found, limit)
    for area in areas:  # A few hundred fields at most: compare them all.
        similarity = _ratio(wanted, normalise(area.name))
        if similarity >= SIMILAR_NORMALISED_NAMES:
            found.append(PossibleDuplicate(area, "similar name", round(similarity, 2)))
    return _ranked(found, limit)
