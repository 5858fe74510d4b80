"""A new person from a name as a press release prints it ("Prof. FU Wei", "Nancy IP")."""

import re
from dataclasses import dataclass

from django.utils.text import slugify

from partnerships.curation.names import parse_person_name
from partnerships.models import Person, PersonName, SlugRedirect

HONORIFICS = re.compile(
    r"^(?:(?:Prof|Professor|Dr|Academician|Mr|Ms|Mrs|Sir|Dame)\.?\s+)+", re.IGNORECASE
)


@dataclass(frozen=True)
class PrintedName:
    family_name: str
    given_name: str
    name_order: str
    honorifics: str


def read_printed_name(text):
    """Family and given names apart (``names.parse_person_name``), titles kept apart."""
    text = " ".join((text or "").split())
    match = HONORIFICS.match(text)
    honorifics = match.group(0).strip() if match else ""
    name = text[match.end() :] if match else text
    if not name:
        return None
    parsed = parse_person_name(name)
    return PrintedName(parsed.family_name, parsed.given_name, parsed.name_order, honorifics)


def free_slug(model, text, max_length=120):
    """A slug for ``text`` that no record of ``model`` has, nor had (old slugs redirect)."""
    base = slugify(text)[: max_length - 4] or "record"
    slug, number = base, 1
    while (
        model.objects.filter(slug=slug).exists()
        or SlugRedirect.objects.filter(model=model.ADDRESSED_AS, old_slug=slug).exists()
    ):
        number += 1
        slug = f"{base}-{number}"
    return slug


def new_person(printed, as_printed=""):
    """Create the person a printed name names, the printed form kept as an other name."""
    person = Person.objects.create(
        slug=free_slug(Person, f"{printed.family_name} {printed.given_name}"),
        family_name=printed.family_name,
        given_name=printed.given_name,
        name_order=printed.name_order,
        honorifics=printed.honorifics,
        # Public once an agreement they took part in is published.
        published=False,
    )
    if as_printed and as_printed != person.display_name:
        PersonName.objects.create(person=person, name=as_printed)
    return person
