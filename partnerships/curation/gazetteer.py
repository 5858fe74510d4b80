"""The directory's own names, used to recognise institutions and fields in a release."""

import re
from dataclasses import dataclass, field

from partnerships.models import FocusArea, Institution, InstitutionName, InstitutionNameType


@dataclass(frozen=True)
class KnownInstitution:
    slug: str
    name: str
    kind: str
    city: str
    country: str
    abbreviation: str


@dataclass
class Gazetteer:
    """Institution names (full, acronyms, other names) and field phrases (names, synonyms)."""

    institutions: dict = field(default_factory=dict)  # slug -> KnownInstitution
    names: dict = field(default_factory=dict)  # name as written -> slug
    acronyms: dict = field(default_factory=dict)  # acronym (case kept) -> slug
    field_phrases: dict = field(default_factory=dict)  # lower-case phrase -> field name

    @classmethod
    def from_directory(cls):
        """Three queries, whatever the size of the directory."""
        gazetteer = cls()
        acronyms = {}
        other_names = list(
            InstitutionName.objects.exclude(name_type=InstitutionNameType.LABEL).values_list(
                "institution__slug", "name", "name_type"
            )
        )
        for slug, name, name_type in other_names:
            if name_type == InstitutionNameType.ACRONYM:
                acronyms.setdefault(slug, name)
                gazetteer.acronyms[name] = slug
            else:
                gazetteer.names.setdefault(name, slug)
        for slug, name, kind, city, country in Institution.objects.values_list(
            "slug", "name", "kind", "city", "country"
        ):
            gazetteer.institutions[slug] = KnownInstitution(
                slug, name, kind, city, str(country or ""), acronyms.get(slug, "")
            )
            gazetteer.names[name] = slug
        for name, synonyms in FocusArea.objects.values_list("name", "synonyms"):
            gazetteer.add_field(name, synonyms.splitlines())
        return gazetteer

    def add_field(self, name, synonyms=()):
        for phrase in [name, *synonyms]:
            phrase = phrase.strip().lower()
            if phrase:
                self.field_phrases.setdefault(phrase, name)

    def institution_pattern(self):
        if not hasattr(self, "_institution_pattern"):
            names = sorted(self.names, key=len, reverse=True)
            acronyms = sorted(self.acronyms, key=len, reverse=True)
            parts = []
            if names:
                parts.append("(?i:" + "|".join(re.escape(name) for name in names) + ")")
            if acronyms:
                parts.append("|".join(re.escape(acronym) for acronym in acronyms))
            self._institution_pattern = (
                re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])") if parts else None
            )
        return self._institution_pattern

    def field_pattern(self):
        if not hasattr(self, "_field_pattern"):
            phrases = sorted(self.field_phrases, key=len, reverse=True)
            self._field_pattern = (
                re.compile(
                    r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])",
                    re.I,
                )
                if phrases
                else None
            )
        return self._field_pattern

    def slug_for(self, surface):
        if surface in self.acronyms:
            return self.acronyms[surface]
        for name, slug in self.names.items():
            if name.lower() == surface.lower():
                return slug
        return None
