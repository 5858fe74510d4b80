"""schema.org JSON-LD for the detail pages, built from what the pages already loaded.

An agreement is described as the ``Event`` of its signing: that is what every source
reports (a ceremony on a date, at a venue, where people signed for the parties), and
the date's precision belongs to it. The parties are its ``organizer``s, the people
who took part its ``attendee``s, the fields what it is ``about``. schema.org has no
``isBasedOn`` for an Event, so the press releases are given as ``subjectOf``: the
documents about the event. Facts a source does not state are left out, never guessed.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import mark_safe

from partnerships.models import (
    Agreement,
    FocusArea,
    Institution,
    InstitutionKind,
    InstitutionRelationType,
    Person,
    Source,
)
from partnerships.models.common import DatePrecision, web_url

# Plain strings are English (the directory's curated language); a name in another
# language is a value object with its own tag: {"@value": "…", "@language": "zh-Hans"}.
CONTEXT = ["https://schema.org", {"@language": "en"}]
XSD = "http://www.w3.org/2001/XMLSchema#"


def tagged(text, language):
    """``text`` in ``language`` (a BCP 47 tag); plain when English or untagged."""
    if not text:
        return None
    if not language or language.lower().split("-")[0] == "en":
        return text
    return {"@value": text, "@language": language}


def _in_both_languages(english, chinese):
    """One text, or the English and the Chinese version when both are stored."""
    texts = [text for text in (english, tagged(chinese, "zh-Hans")) if text]
    return texts[0] if len(texts) == 1 else texts


def chinese_name(record):
    return tagged(getattr(record, record.CHINESE_NAME), record.CHINESE_TAG)


INSTITUTION_TYPES = {
    InstitutionKind.UNIVERSITY: "CollegeOrUniversity",
    InstitutionKind.MEDICAL_UNIVERSITY: "CollegeOrUniversity",
    InstitutionKind.HOSPITAL: "Hospital",
    InstitutionKind.RESEARCH_INSTITUTE: "ResearchOrganization",
    InstitutionKind.SCHOOL: "EducationalOrganization",
    InstitutionKind.GOVERNMENT: "GovernmentOrganization",
}

# As django.utils.html.json_script: nothing in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _compact(data):
    """Drop what a source does not state: empty strings, empty lists, None."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def institution_type(institution):
    return INSTITUTION_TYPES.get(institution.kind, "Organization")


def organization_reference(institution, absolute):
    return {
        "@type": institution_type(institution),
        "@id": absolute(institution.get_absolute_url()),
        "name": institution.name,
        "url": absolute(institution.get_absolute_url()),
    }


def person_reference(person, absolute):
    return {
        "@type": "Person",
        "@id": absolute(person.get_absolute_url()),
        "name": person.display_name,
        "url": absolute(person.get_absolute_url()),
    }


def institution_data(institution, absolute):
    same_as = []
    if institution.ror_id:
        same_as.append(f"https://ror.org/{institution.ror_id}")
    if institution.wikidata_id:
        same_as.append(f"https://www.wikidata.org/wiki/{institution.wikidata_id}")
    names = list(institution.names.all())
    parents = [
        organization_reference(relation.object, absolute)
        for relation in institution.relations_from.all()
        if relation.relation_type == InstitutionRelationType.PART_OF
    ]
    return _compact(
        {
            "@context": CONTEXT,
            "@type": institution_type(institution),
            "@id": absolute(institution.get_absolute_url()),
            "name": institution.name,
            "alternateName": [tagged(name.name, name.language) for name in names],
            "address": _compact(
                {
                    "@type": "PostalAddress",
                    "addressLocality": institution.city,
                    "addressRegion": institution.region,
                    "addressCountry": institution.country,
                }
            )
            if institution.place
            else None,
            "url": web_url(institution.website) or absolute(institution.get_absolute_url()),
            "mainEntityOfPage": absolute(institution.get_absolute_url()),
            "sameAs": same_as,
            "parentOrganization": parents[0] if len(parents) == 1 else parents,
            "description": institution.description,
            "identifier": institution.slug,
        }
    )


def person_data(person, absolute):
    positions = list(person.positions.all())
    affiliations, seen = [], set()
    for position in positions:
        if position.institution_id not in seen:
            seen.add(position.institution_id)
            affiliations.append(organization_reference(position.institution, absolute))
    job_titles = list(dict.fromkeys(position.title for position in positions))
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Person",
            "@id": absolute(person.get_absolute_url()),
            "name": person.display_name,
            "familyName": person.family_name,
            "givenName": person.given_name,
            "alternateName": chinese_name(person),
            "honorificPrefix": person.honorifics,
            "jobTitle": job_titles[0] if len(job_titles) == 1 else job_titles,
            "affiliation": affiliations,
            "url": absolute(person.get_absolute_url()),
            "identifier": person.slug,
        }
    )


def agreement_data(agreement, absolute):
    place = _compact(
        {
            "@type": "Place",
            "name": agreement.place or agreement.city,
            "address": _compact({"@type": "PostalAddress", "addressLocality": agreement.city})
            if agreement.city
            else None,
        }
    )
    attendees, seen = [], set()
    for participation in agreement.participations.all():
        if participation.person_id not in seen:
            seen.add(participation.person_id)
            attendees.append(person_reference(participation.person, absolute))
    sources = [
        _compact(
            {
                "@type": "NewsArticle",
                "headline": source.title,
                "url": web_url(source.url),
                "publisher": _compact({"@type": "Organization", "name": source.publisher})
                if source.publisher
                else None,
                "datePublished": source.published_on.isoformat() if source.published_on else None,
                "inLanguage": source.language,
            }
        )
        for source in agreement.sources.all()
    ]
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "@id": absolute(agreement.get_absolute_url()),
            "name": agreement.title,
            "alternateName": chinese_name(agreement),
            "description": _in_both_languages(agreement.summary, agreement.summary_zh_hans),
            "startDate": typed_partial_date(agreement),
            "location": place if "name" in place else None,
            "organizer": [
                organization_reference(link.institution, absolute)
                for link in agreement.party_links.all()
            ],
            "attendee": attendees,
            "about": [
                _compact(
                    {
                        "@type": "DefinedTerm",
                        "@id": absolute(link.focus_area.get_absolute_url()),
                        "name": link.focus_area.name,
                        "alternateName": chinese_name(link.focus_area),
                        "url": absolute(link.focus_area.get_absolute_url()),
                    }
                )
                for link in agreement.focus_links.all()
            ],
            "subjectOf": sources,
            "url": absolute(agreement.get_absolute_url()),
            "identifier": agreement.slug,
        }
    )


def typed_partial_date(agreement):
    """A day as a plain ISO date; a year or a month as a typed ``xsd:gYear`` or
    ``xsd:gYearMonth`` literal, which validators accept where "2024" alone is not a Date."""
    value = agreement.signed_on_iso
    xsd_type = {
        DatePrecision.YEAR: "gYear",
        DatePrecision.MONTH: "gYearMonth",
    }.get(agreement.signed_on_precision)
    if value is None or xsd_type is None:
        return value
    return {"@value": value, "@type": f"{XSD}{xsd_type}"}


def source_data(source, absolute):
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "NewsArticle",
            "@id": absolute(source.get_absolute_url()),
            "headline": source.title,
            "publisher": _compact({"@type": "Organization", "name": source.publisher})
            if source.publisher
            else None,
            "datePublished": source.published_on.isoformat() if source.published_on else None,
            "inLanguage": source.language,
            "sameAs": web_url(source.url),
            "url": absolute(source.get_absolute_url()),
            "identifier": source.slug,
        }
    )


def dataset_data(absolute, licence, downloads):
    """The directory as a schema.org ``Dataset``, with its licence and download links
    (``downloads``: ``[(name, url, media type)]``)."""
    publisher = {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")}
    return {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": absolute("/#dataset"),
        "name": f"{settings.SITE_NAME}: university–hospital partnerships",
        "description": (
            "Agreements between universities and hospitals: who signed what with whom, "
            "when, for which fields, and what it set up, every fact with its source."
        ),
        "url": absolute("/"),
        "license": licence.url,
        "isAccessibleForFree": True,
        "creator": publisher,
        "publisher": publisher,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": name,
                "contentUrl": absolute(url),
                "encodingFormat": media_type,
            }
            for name, url, media_type in downloads
        ],
    }


def focus_area_data(area, absolute):
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "DefinedTerm",
            "@id": absolute(area.get_absolute_url()),
            "name": area.name,
            "alternateName": chinese_name(area),
            "description": area.description,
            "termCode": area.slug,
            "url": absolute(area.get_absolute_url()),
            "inDefinedTermSet": {
                "@type": "DefinedTermSet",
                "name": "Fields of university–hospital cooperation",
                "url": absolute(reverse("focusarea-list")),
            },
        }
    )


BUILDERS = {
    Agreement: agreement_data,
    Institution: institution_data,
    Person: person_data,
    FocusArea: focus_area_data,
    Source: source_data,
}


def structured_data(obj, absolute):
    return BUILDERS[type(obj)](obj, absolute)


def json_ld_script(data):
    """``<script type="application/ld+json">``, escaped as ``json_script`` escapes."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    # Safe: translate() escapes <, > and & to \u003C, \u003E and \u0026.
    return mark_safe(
        f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'
    )
