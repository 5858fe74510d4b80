"""Read a press release into a proposed agreement, every fact with its sentence.

Deterministic rules over sentences: organisations are the directory's own names (the
gazetteer) or capitalised phrases ending in an institution word; parties are the
organisations the signing sentence coordinates ("X and Y signed"); people are names with
a title or honorific beside them; roles come from the verb of their sentence. A rule
that fails on one fact drops that fact and leaves the rest of the draft intact.
"""

import itertools
import logging
import re
from dataclasses import dataclass, field

from partnerships.models import AgreementKind, EstablishedBodyKind, InstitutionKind

from .dates import PartialDate, find_dates, find_publication_date, parse_publication_date
from .gazetteer import Gazetteer
from .names import CHINESE_FAMILY_NAMES, ParsedName, parse_person_name
from .text import check_text, clean, read_header, split_sentences

logger = logging.getLogger(__name__)

ROLES = ("signatory", "witness", "presided", "speaker", "attendee", "unveiled")

# --- organisations -------------------------------------------------------------------

ORG_HEADS = {
    "university",
    "universities",
    "college",
    "hospital",
    "hospitals",
    "institute",
    "academy",
    "clinic",
    "trust",
    "infirmary",
    "polytechnic",
    "service",
    "system",
    "network",
    "center",
    "centre",
    "command",
    "commission",
    "laboratory",
    "school",
    "faculty",
    "division",
}
# Heads that name an organisation only after a qualifying word ("Health System").
WEAK_HEADS = {"service", "system", "network", "center", "centre", "school", "faculty", "division"}
# Fixed phrases whose "and" does not join two organisations.
JOINED_PHRASES = re.compile(
    r"\b(Science and Technology|Hospital and Health Service|Arts and Sciences?|"
    r"Health and Social Care|Health and Care|Medicine and Dentistry|Engineering and Technology|"
    r"Agriculture and Technology|Science and Engineering|Medicine and Health)\b"
)
CAPITAL_WORD = r"(?:[A-Z][\w’'.&-]*|St\.)"
ORG_SPAN = re.compile(
    CAPITAL_WORD + r"(?:(?:\s+|\s*[–&]\s*)(?:(?:of|and|for|the|de|on)\s+)*" + CAPITAL_WORD + r")*"
)
LEADING_NON_NAME = {
    "the",
    "on",
    "in",
    "at",
    "under",
    "according",
    "both",
    "as",
    "about",
    "and",
    "with",
    "by",
    "from",
    "between",
    "a",
    "an",
}
TITLE_WORDS = {
    "president",
    "vice",
    "vice-president",
    "chancellor",
    "vice-chancellor",
    "pro-vice-chancellor",
    "secretary",
    "party",
    "committee",
    "dean",
    "director",
    "chief",
    "executive",
    "officer",
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "board",
    "provost",
    "head",
    "acting",
    "deputy",
    "honorary",
    "assistant",
    "associate",
    "political",
    "commissar",
    "medical",
    "general",
    "ceo",
    "professor",
    "prof.",
    "prof",
    "assoc",
    "dr",
    "dr.",
    "mr",
    "mr.",
    "ms",
    "ms.",
    "mrs",
    "mrs.",
    "sir",
    "dame",
    "academician",
}
# Words that end an organisation's "of …" tail: a title or honorific follows the name.
TAIL_STOP_WORDS = {
    "prof",
    "professor",
    "dr",
    "mr",
    "ms",
    "mrs",
    "sir",
    "president",
    "vice",
    "dean",
    "director",
    "chancellor",
    "secretary",
    "chair",
    "academician",
}
# Title Case verbs of a headline split the organisations around them.
HEADLINE_VERBS = (
    r"\s+(?:Signs?|Signed|Jointly|Establish(?:es|ed)?|Builds?|Launch(?:es)?|Forms?|Renews?|"
    r"Partners?|Inks?|Unveils?|Set Up|Sets Up|Agree)\s+"
)
ACRONYM_STOPWORDS = {
    "AI",
    "CEO",
    "NHS",
    "HHS",
    "UK",
    "US",
    "USA",
    "PRC",
    "CPC",
    "IPO",
    "QS",
    "II",
    "III",
    "MOU",
    "PDF",
    "CT",
    "MRI",
    "IT",
    "R&D",
    "SAR",
}


@dataclass
class OrgMention:
    start: int
    end: int
    key: str  # slug of a directory institution, or "new:<name>"


@dataclass
class Organisation:
    key: str
    name: str
    abbreviation: str = ""
    kind: str = "other"
    city: str = ""
    country: str = ""
    matched: str | None = None
    sentence: int | None = None


def kind_from_name(name):
    """The kind an institution's name announces (for the draft JSON)."""
    lower = name.lower()
    if re.search(
        r"\bnhs\b|hospital and health service|health (system|service|network|board)|"
        r"\bhealth$|\bhealth care$|\bhealthcare$",
        lower,
    ):
        return "health_system"
    if re.search(r"hospital|medical cent(er|re)|\bclinic\b|infirmary", lower):
        return "hospital"
    if re.search(r"institute|laborator|academy of", lower):
        return "research_institute"
    if re.search(r"universit|college|polytechnic", lower):
        return "university"
    return "other"


MODEL_KIND_FOR_DRAFT = {
    InstitutionKind.UNIVERSITY: "university",
    InstitutionKind.MEDICAL_UNIVERSITY: "university",
    InstitutionKind.HOSPITAL: "hospital",
    InstitutionKind.HEALTH_SYSTEM: "health_system",
    InstitutionKind.RESEARCH_INSTITUTE: "research_institute",
    InstitutionKind.ACADEMY: "research_institute",
}


def country_from_name(name):
    """Only what the name itself says: NHS bodies are British; "Hospital and Health
    Service" is Queensland's (Australian) form. Written as the directory writes countries."""
    if re.search(r"\bNHS\b", name):
        return "United Kingdom"
    if re.search(r"Hospital and Health Service", name):
        return "Australia"
    return ""


# --- people --------------------------------------------------------------------------

HONORIFIC = (
    r"(?:Academician|Associate Professor|Assoc\. Prof\.|Professor|Prof\.|Dr\.?|Mr\.?|Mrs\.?|"
    r"Ms\.?|Miss|Sir|Dame)"
)
TITLES = [
    "Vice-Chancellor and President",
    "President and Chief Executive Officer",
    "President and CEO",
    "Deputy Secretary of the Party Committee",
    "Deputy Secretary of Party Committee",
    "Secretary of the Party Committee",
    "Secretary of Party Committee",
    "Deputy Party Secretary",
    "Party Secretary",
    "General Secretary",
    "Political Commissar",
    "Honorary President",
    "President Assistant",
    "Assistant President",
    "Executive Vice President",
    "Vice President",
    "Vice-President",
    "Deputy Vice-Chancellor",
    "Pro-Vice-Chancellor",
    "Vice-Chancellor",
    "Vice Chancellor",
    "Associate Provost",
    "Chief Executive Officer",
    "Chief Medical Officer",
    "Chief Operating Officer",
    "Chief Executive",
    "Executive Director",
    "Medical Director",
    "Chair of the Board",
    "Board Chair",
    "Chairwoman",
    "Chairperson",
    "Chairman",
    "Acting Head",
    "President",
    "Chancellor",
    "Provost",
    "Director",
    "Dean",
    "Chair",
    "Head",
    "CEO",
]
TITLE = r"(?:" + "|".join(re.escape(title) for title in TITLES) + r")"
TITLE_QUALIFIER = (
    r"(?:\s*\([^)]{2,40}\))?(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)*"
)
NAME_WORD = r"(?:O['’][A-Z][a-z]+|Mc[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?|[A-Z]{2,})"
NAME_RUN = re.compile(
    r"(?<![\w.])" + NAME_WORD + r"(?:\s+(?:[A-Z]\.\s+)?" + NAME_WORD + r")+(?:['’]s)?(?![\w])"
)
NOT_NAME_WORDS = TITLE_WORDS | {
    "the",
    "on",
    "in",
    "at",
    "and",
    "as",
    "under",
    "news",
    "media",
    "photo",
    "editor",
    "university",
    "hospital",
    "college",
    "institute",
    "school",
    "health",
    "service",
    "trust",
    "nhs",
    "china",
    "chinese",
    "agreement",
    "cooperation",
    "strategic",
    "memorandum",
    "centre",
    "center",
    "laboratory",
    "signing",
    "ceremony",
    "both",
    "he",
    "she",
    "they",
    "it",
    "this",
    "that",
    "these",
    "with",
    "by",
    "for",
    "from",
    "of",
    "said",
    "healthy",
    "ends",
    "home",
    "notes",
    "about",
    "press",
    "release",
    "update",
    "date",
    "views",
    "topics",
    "campus",
    "spotlight",
    "recommended",
    "government",
    "committee",
    "central",
    "faculty",
    "department",
    "division",
    "office",
    "speaking",
}
CREDIT_LINE = re.compile(
    r"^\s*\(?(?:photo|photos|by|editor|edited by|draft|revision|reported by|photographed by|"
    r"reviewed by|translated by|written by|media contact|source|reviewer)\b",
    re.I,
)
BOILERPLATE_START = re.compile(
    r"^\s*(?:about (?:the |our )?[A-Z]|notes to editors|media contact|###|ends$|/public release|"
    r"recommended news|upgrade the browser)",
    re.I,
)

# Verbs that give people their role at the signing, and whether "by" follows (passive).
ROLE_TRIGGERS = [
    ("signatory", re.compile(r"\b(?:signed|sighed|inked)\b", re.I)),  # "sighed": a real typo
    ("witness", re.compile(r"\bwitness(?:ed)?\b|\bin the presence of\b", re.I)),
    ("presided", re.compile(r"\b(?:presided|hosted|chaired|moderated|officiated)\b", re.I)),
    (
        "attendee",
        re.compile(
            r"\b(?:attended|were present|was present|in attendance|attendees\b[^.]*?\bincluded)\b",
            re.I,
        ),
    ),
    ("unveiled", re.compile(r"\bunveiled\b", re.I)),
    (
        "speaker",
        re.compile(
            r"\b(?:said|says|spoke|delivered (?:a |the )?(?:speech|remarks?|address)|"
            r"concluding remarks|during (?:his|her) remarks|expressed|pointed out|emphasi[sz]ed|"
            r"added|stated|extended|introduced|remarked|praised)\b",
            re.I,
        ),
    ),
]
LIST_FILLER = {
    "and",
    "of",
    "the",
    "other",
    "relative",
    "relevant",
    "officials",
    "leaders",
    "from",
    "both",
    "sides",
    "as",
    "well",
    "among",
    "others",
    "department",
    "heads",
    "representatives",
}


@dataclass
class PersonMention:
    start: int
    end: int
    person: "PersonFact"
    context_start: int
    context_end: int


@dataclass
class PersonFact:
    parsed: ParsedName
    honorific: str = ""
    title: str = ""
    institution: str | None = None  # organisation key
    sentence: int | None = None
    roles: dict = field(default_factory=dict)  # role -> sentence index
    on_behalf_of: str | None = None

    @property
    def name(self):
        return self.parsed.printed


@dataclass
class Body:
    name: str
    kind: str
    planned: bool
    sentence: int


@dataclass
class FieldFact:
    name: str
    sentence: int


@dataclass
class Draft:
    text: str
    sentences: list
    source_url: str = ""
    source_title: str = ""
    published: PartialDate | None = None
    published_sentence: int | None = None
    title: str = ""
    title_sentence: int | None = None
    kind: str = AgreementKind.OTHER
    signed: PartialDate | None = None
    signed_sentence: int | None = None
    place: str = ""
    place_sentence: int | None = None
    city: str = ""
    city_sentence: int | None = None
    term: str | None = None
    term_months: int | None = None
    term_sentence: int | None = None
    organisations: dict = field(default_factory=dict)  # key -> Organisation
    parties: list = field(default_factory=list)  # organisation keys
    party_sentences: dict = field(default_factory=dict)
    people: list = field(default_factory=list)
    focus_areas: list = field(default_factory=list)
    established: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def sentence_text(self, index):
        return self.sentences[index].text if index is not None else ""

    def organisation_name(self, key):
        return self.organisations[key].name if key in self.organisations else ""

    def as_json(self):
        """The draft in the shape ``manage.py draft_agreement --json`` prints."""
        evidence = {}

        def cite(key, index):
            if index is not None:
                evidence[key] = self.sentence_text(index)

        cite("title", self.title_sentence)
        cite("signed", self.signed_sentence)
        cite("published", self.published_sentence)
        cite("place", self.place_sentence)
        cite("city", self.city_sentence)
        cite("term", self.term_sentence)
        parties = []
        for key in self.parties:
            organisation = self.organisations[key]
            parties.append(
                {
                    "name": organisation.name,
                    "abbreviation": organisation.abbreviation or None,
                    "kind": organisation.kind,
                    "city": organisation.city or None,
                    "country": organisation.country or None,
                    "matched": organisation.matched,
                }
            )
            cite(f"party: {organisation.name}", self.party_sentences.get(key))
        people = []
        for person in self.people:
            people.append(
                {
                    "name": person.name,
                    "title": person.title or None,
                    "institution": self.organisation_name(person.institution) or None,
                    "roles": [role for role in ROLES if role in person.roles],
                }
            )
            cite(f"person: {person.name}", person.sentence)
            for role, index in person.roles.items():
                cite(f"person: {person.name}: {role}", index)
        for fact in self.focus_areas:
            cite(f"focus area: {fact.name}", fact.sentence)
        for body in self.established:
            cite(f"established: {body.name}", body.sentence)
        return {
            "title": self.title or None,
            "signed": self.signed.iso() if self.signed else None,
            "published": self.published.iso() if self.published else None,
            "place": self.place or None,
            "city": self.city or None,
            "term": self.term,
            "parties": parties,
            "people": people,
            "focus_areas": [fact.name for fact in self.focus_areas],
            "established": [body.name for body in self.established],
            "evidence": evidence,
        }


# --- the extractor -------------------------------------------------------------------


def draft_from_text(raw, *, url="", title="", published="", gazetteer=None):
    """Propose an agreement from a press release. Raises ``DraftInputError`` on bad input."""
    text = check_text(raw)
    header, body_start = read_header(text)
    gazetteer = gazetteer if gazetteer is not None else Gazetteer.from_directory()
    text = clean(text)
    draft = Draft(text=text, sentences=split_sentences(text, body_start))
    draft.source_url = url or header.url
    draft.source_title = title or header.title
    typed_date = published or header.published
    reader = _Reader(draft, gazetteer)
    reader.run(typed_date)
    return draft


class _Reader:
    def __init__(self, draft, gazetteer):
        self.draft = draft
        self.gazetteer = gazetteer
        self.sentences = draft.sentences
        self.org_mentions = {}  # sentence index -> [OrgMention]
        self.person_mentions = {}  # sentence index -> [PersonMention]
        self.defined_acronyms = {}  # acronym or short name -> key
        end = len(self.sentences)
        for sentence in self.sentences[1:]:
            if sentence.line_start and BOILERPLATE_START.match(sentence.text):
                end = sentence.index
                break
        self.body = self.sentences[:end]

    def run(self, typed_date):
        steps = [
            lambda: self.read_publication(typed_date),
            self.read_organisations,
            self.read_parties,
            self.read_kind_and_title,
            self.read_signing_date,
            self.read_place,
            self.read_term,
            self.read_established,
            self.read_people,
            self.read_fields,
        ]
        for step in steps:
            self.safely(step)

    def safely(self, step, *args):
        """Run one rule; a failure drops what it would have proposed, never the draft."""
        try:
            return step(*args)
        except Exception:
            logger.exception("Draft extraction rule failed")
            self.draft.problems.append("A part of the text could not be read; check it by hand.")
            return None

    # publication and source title

    def read_publication(self, typed_date):
        draft = self.draft
        if typed_date:
            draft.published = parse_publication_date(typed_date)
        if draft.published is None:
            draft.published, sentence = find_publication_date(self.sentences)
            draft.published_sentence = sentence.index if sentence else None
        if not draft.source_title:
            headline = self.headline()
            draft.source_title = headline.text if headline else ""

    def headline(self):
        """The first line that reads like a headline: several words, about a signing."""
        for sentence in self.body[:12]:
            words = sentence.text.split()
            if (
                sentence.line_start
                and 4 <= len(words) <= 25
                and not sentence.text.rstrip().endswith((".", ":"))
                and re.search(
                    r"\b(sign|signs|signed|agreement|partnership|mou|memorandum|establish|"
                    r"build|launch|form|jointly|partner|collaborat)",
                    sentence.text,
                    re.I,
                )
            ):
                return sentence
        return None

    # organisations

    def read_organisations(self):
        for sentence in self.sentences:
            self.org_mentions[sentence.index] = self.safely(self.find_orgs, sentence) or []

    def find_orgs(self, sentence):
        text, offset = sentence.text, sentence.start
        mentions = []
        pattern = self.gazetteer.institution_pattern()
        if pattern:
            for match in pattern.finditer(text):
                slug = self.gazetteer.slug_for(match.group())
                if slug:
                    self.known(slug, sentence.index)
                    mentions.append(OrgMention(offset + match.start(), offset + match.end(), slug))
        for match in ORG_SPAN.finditer(text):
            for start, end in self.split_org_span(text, match.start(), match.end()):
                if any(m.start < offset + end and offset + start < m.end for m in mentions):
                    continue
                name = text[start:end]
                key = self.defined_acronyms.get(name) or self.new_org(name, sentence.index)
                mentions.append(OrgMention(offset + start, offset + end, key))
        for match in re.finditer(r"(?<![\w-])[A-Z][A-Z&]{1,7}(?![\w-])", text):
            acronym = match.group()
            if acronym in ACRONYM_STOPWORDS or any(
                m.start <= offset + match.start() < m.end for m in mentions
            ):
                continue
            key = self.defined_acronyms.get(acronym)
            if key is None:
                # An acronym never spelt out ("NEU and GHNTC signed"): an organisation
                # by that name, unless it is part of a person's name ("FU Wei").
                before = text[: match.start()].rstrip().split()[-1:] or [""]
                after = text[match.end() :].split()[:1] or [""]
                defining = (
                    text[match.start() - 1 : match.start()] == "("
                    and text[match.end() : match.end() + 1] == ")"
                )
                if (
                    defining
                    or len(acronym) < 3
                    or any(
                        word[:1].isupper() and word.lower().strip(".,;:") not in TITLE_WORDS
                        for word in (before[0], after[0])
                        if not word.isupper()
                    )
                ):
                    continue
                key = self.new_org(acronym, sentence.index)
            mentions.append(OrgMention(offset + match.start(), offset + match.end(), key))
        mentions.sort(key=lambda mention: mention.start)
        self.read_acronym_definitions(sentence, mentions)
        return mentions

    def split_org_span(self, text, start, end):
        """Organisation names inside a run of capitalised words."""
        span = text[start:end]
        protected = JOINED_PHRASES.sub(lambda m: m.group().replace(" and ", " \0\0\0 "), span)
        pieces = []
        position = 0
        separators = r"\s+and\s+|\s*&\s*|\s+with\s+|" + HEADLINE_VERBS
        for part in re.split(f"({separators})", protected):
            if re.fullmatch(separators, part):
                position += len(part)
                continue
            pieces.append((start + position, start + position + len(part)))
            position += len(part)
        found = []
        for piece_start, piece_end in pieces:
            trimmed = self.trim_org(text, piece_start, piece_end)
            if trimmed:
                found.append(trimmed)
            elif (
                found and found[-1][1] < piece_start and " of " in text[found[-1][0] : found[-1][1]]
            ):
                # "Institute of Medical Engineering and Translational Medicine": the words
                # after "and" name no organisation of their own, so they end the first name.
                found[-1] = (found[-1][0], piece_end)
        return found

    def trim_org(self, text, start, end):
        words = list(re.finditer(r"\S+", text[start:end]))
        if not words:
            return None
        values = [word.group().rstrip(",;:.") or word.group() for word in words]
        lowered = [value.lower().replace("’s", "").replace("'s", "") for value in values]
        heads = [
            index
            for index, word in enumerate(lowered)
            if word in ORG_HEADS
            and not (
                word in WEAK_HEADS and index == 0 and not (len(lowered) > 1 and lowered[1] == "of")
            )
        ]
        if not heads:
            return None
        last_head = heads[-1]
        first = 0
        # "Shen Kai of Jiangnan University": an "of" before the first head starts the name.
        for index in range(heads[0]):
            if lowered[index] == "of":
                first = index + 1
        while first < heads[0] and lowered[first] == "the":
            first += 1
        # Drop leading words that cannot begin a name, and titles ("Vice President of").
        while first < last_head and (
            lowered[first] in LEADING_NON_NAME
            or lowered[first] in TITLE_WORDS
            or lowered[first] in ("of", "for")
            or (
                (first + 1 <= last_head and lowered[first + 1] in ("of",) and first < heads[0] - 1)
                and lowered[first] in TITLE_WORDS
            )
        ):
            first += 1
        # A name that starts with a head ("University of Wessex") keeps its "of …" tail.
        last = last_head
        if last + 1 < len(values) and lowered[last + 1] in ("of", "for", "on"):
            last = len(values) - 1
            for index in range(last_head + 1, len(values)):
                if lowered[index].strip(".") in TAIL_STOP_WORDS:
                    last = index - 1
                    break
        while last > last_head and lowered[last] in ("of", "for", "the", "and", "on"):
            last -= 1
        # Only Title Case words stay in a name ("Signs", "Agreement" end a headline's name).
        for index in range(first, last + 1):
            if lowered[index] in ("signs", "signed", "sign", "jointly"):
                if index > last_head:
                    last = index - 1
                    break
                first = index + 1
        if first > last_head or first > last:
            return None
        name_start = start + words[first].start()
        name_end = start + words[last].start() + len(values[last])
        name = text[name_start:name_end]
        if name.endswith(("’s", "'s")):
            name_end -= 2
            name = name[:-2]
        if len(name.split()) < 2:
            return None
        return name_start, name_end

    def known(self, slug, sentence_index):
        organisations = self.draft.organisations
        if slug not in organisations:
            info = self.gazetteer.institutions.get(slug)
            organisations[slug] = Organisation(
                key=slug,
                name=info.name if info else slug,
                abbreviation=info.abbreviation if info else "",
                kind=MODEL_KIND_FOR_DRAFT.get(info.kind, "other") if info else "other",
                city=info.city if info else "",
                country=info.country if info else "",
                matched=slug,
                sentence=sentence_index,
            )
        return slug

    def new_org(self, name, sentence_index):
        name = re.sub(r"^(?:the|The)\s+", "", name)
        key = f"new:{name}"
        if key not in self.draft.organisations:
            self.draft.organisations[key] = Organisation(
                key=key,
                name=name,
                kind=kind_from_name(name),
                country=country_from_name(name),
                sentence=sentence_index,
            )
        return key

    def read_acronym_definitions(self, sentence, mentions):
        """ "Peking University Third Hospital (PUTH)": the short name in brackets."""
        for mention in mentions:
            after = self.draft.text[mention.end : mention.end + 60]
            match = re.match(r"\s*\((?P<short>[A-Z][\w’' -]{1,40}?)\)", after)
            if not match or match["short"] in ACRONYM_STOPWORDS:
                continue
            short = match["short"].strip()
            if len(short.split()) > 4 or short.lower() in ("mou", "the"):
                continue
            self.defined_acronyms.setdefault(short, mention.key)
            organisation = self.draft.organisations.get(mention.key)
            if organisation and not organisation.abbreviation:
                organisation.abbreviation = short

    def orgs_in(self, sentence):
        return self.org_mentions.get(sentence.index, [])

    # parties

    def read_parties(self):
        candidates = [s for s in self.body if re.search(SIGNING_WORDS, s.text, re.I)]
        for sentence in candidates:
            run = self.coordinated(sentence)
            if len(run) >= 2:
                return self.set_parties(run, sentence)
        for sentence in candidates:
            mentions = self.orgs_in(sentence)
            for first, second in itertools.pairwise(mentions):
                between = self.draft.text[first.end : second.start]
                if first.key != second.key and re.search(r"\b(with|between)\b", between, re.I):
                    return self.set_parties([first.key, second.key], sentence)
        return None

    def coordinated(self, sentence):
        """The first run of organisations joined by "and" or commas."""
        mentions = [m for m in self.orgs_in(sentence) if not self.is_venue(m)]
        best = []
        run = mentions[:1]
        for previous, mention in itertools.pairwise(mentions):
            between = self.draft.text[previous.end : mention.start]
            joined = re.fullmatch(
                r"(?:\s*\([^)]*\))?\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|\s+and\s+)(?:the\s+)?",
                between,
            )
            if joined and mention.key not in [m.key for m in run]:
                run.append(mention)
            else:
                if len(run) > len(best):
                    best = run
                if len(best) >= 2:
                    break
                run = [mention]
        if len(run) > len(best):
            best = run
        return [mention.key for mention in best]

    def is_venue(self, mention):
        after = self.draft.text[mention.end : mention.end + 40]
        return bool(re.match(r"\s+(?:[A-Z]\w+\s+)?(Hotel|Building|Hall|Center|Centre)\b", after))

    def set_parties(self, keys, sentence):
        self.draft.parties = keys
        for key in keys:
            self.draft.party_sentences[key] = sentence.index
        return keys

    # title and kind

    def read_kind_and_title(self):
        draft = self.draft
        lead_index = next(iter(draft.party_sentences.values()), None)
        lead = self.sentences[lead_index].text if lead_index is not None else ""
        headline = self.headline()
        context = f"{lead} {headline.text if headline else ''}"
        if re.search(r"strategic (cooperation|partnership|collaboration)", lead, re.I):
            draft.kind = AgreementKind.STRATEGIC_COOPERATION
        elif re.search(r"memorandum of understanding|\bmou\b", context, re.I):
            draft.kind = AgreementKind.MEMORANDUM
        elif re.search(r"strategic cooperation", context, re.I):
            draft.kind = AgreementKind.STRATEGIC_COOPERATION
        elif re.search(
            r"\bco-?build|co-?establish|jointly (establish|build)", context, re.I
        ) and re.search(r"institute|school|laborator|centre|center", context, re.I):
            draft.kind = AgreementKind.CO_ESTABLISHMENT
        elif re.search(r"agreement|partnership|affiliation", context, re.I):
            draft.kind = AgreementKind.COOPERATION
        for sentence in self.body:
            match = re.search(
                r"\bthe ((?:[A-Z][\w-]*\s+)*Agreement between [^.;]+?)(?:[.;]|$)", sentence.text
            )
            if match:
                draft.title, draft.title_sentence = match.group(1), sentence.index
                return
        if draft.parties:
            names = [draft.organisations[key].name for key in draft.parties]
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            draft.title = f"{AgreementKind(draft.kind).label} between {joined}"
            draft.title_sentence = lead_index

    # the signing: date, place, term

    def signing_sentences(self):
        for sentence in self.body:
            if re.search(SIGNING_WORDS, sentence.text, re.I) and (
                self.draft.published_sentence != sentence.index
            ):
                yield sentence

    def read_signing_date(self):
        draft = self.draft
        for sentence in self.signing_sentences():
            if not re.search(r"\bsign|\bceremony|\binked|\bagreement|\bmou\b", sentence.text, re.I):
                continue
            for mention in find_dates(sentence.text, draft.published):
                before = sentence.text[max(0, mention.start - 40) : mention.start].lower()
                if re.search(r"\b(since|until|by|before|as of|expected|later)\s*$", before):
                    continue
                if mention.date is None:
                    continue
                draft.signed, draft.signed_sentence = mention.date, sentence.index
                return

    def read_place(self):
        draft = self.draft
        for sentence in self.signing_sentences():
            for match in re.finditer(
                r"\b(?P<preposition>at|in)\s+(?:the\s+)?(?P<name>[A-Z][\w'’-]*"
                r"(?:\s+(?:[A-Z][\w'’-]*|of))*)",
                sentence.text,
            ):
                name = match["name"].rstrip()
                last = name.split()[-1].lower()
                if re.match(r"(19|20)\d\d$", last) or name.split()[0].lower().rstrip(".") in (
                    *MONTH_NAMES,
                ):
                    continue
                if last in VENUE_WORDS and not draft.place:
                    draft.place, draft.place_sentence = name, sentence.index
                elif (
                    match["preposition"] == "in"
                    and len(name.split()) <= 2
                    and not draft.city
                    and last not in ORG_HEADS
                    and not any(name in o.name for o in draft.organisations.values())
                ):
                    draft.city, draft.city_sentence = name, sentence.index
            if draft.place or draft.city:
                return

    def read_term(self):
        number = "|".join(NUMBER_WORDS) + r"|\d{1,2}"
        patterns = [
            rf"\b(?P<n>{number})[- ]year(?:[- ]long)?\s+(?:[\w-]+\s+){{0,3}}"
            rf"(?:agreement|partnership|memorandum|mou|collaboration|contract)\b",
            rf"\b(?:agreement|partnership|memorandum|mou)\b[^.]{{0,40}}?\b(?:runs|lasts|is valid|"
            rf"will run|for a term of|for a period of)\b[^.]{{0,15}}?\b(?P<n>{number}) years\b",
        ]
        for sentence in self.body:
            for pattern in patterns:
                match = re.search(pattern, sentence.text, re.I)
                if match:
                    value = match["n"].lower()
                    years = int(value) if value.isdigit() else NUMBER_WORDS[value]
                    self.draft.term = f"{value} year{'s' if years != 1 else ''}"
                    self.draft.term_months = years * 12
                    self.draft.term_sentence = sentence.index
                    return

    # what the agreement sets up

    def read_established(self):
        seen = set()
        party_names = {self.draft.organisations[key].name.lower() for key in self.draft.parties}
        for sentence in self.body:
            for match in ESTABLISH.finditer(sentence.text):
                name = self.body_name(sentence.text, match.end())
                if not name or name.lower() in party_names:
                    continue
                key = re.sub(r"\W+", " ", name.lower()).strip()
                if key in seen:
                    continue
                seen.add(key)
                verb = match.group().lower()
                planned = bool(re.search(r"\b(will|would|plans?|to|aim|shall)\b", verb)) or (
                    "nameplate" not in verb
                    and bool(
                        re.search(
                            r"\b(will|would|plans? to|have plans|is to|are to)\b[^.]{0,60}$",
                            sentence.text[: match.start()],
                        )
                    )
                )
                self.draft.established.append(Body(name, body_kind(name), planned, sentence.index))

    def body_name(self, text, position):
        rest = text[position:]
        quoted = re.match(r"\s*(?:an?\s+|the\s+)?[\"“]([^\"”]{3,80})[\"”]", rest)
        if quoted:
            return quoted.group(1)
        match = re.match(
            r"\s*(?:an?\s+|the\s+)?(?:(?:[a-z][\w-]*)\s+){0,3}?(?P<name>" + BODY_NAME + r")",
            rest,
        )
        if match and BODY_HEADS.search(match["name"]):
            name = match["name"]
            # End the name at its last head word or its "of/for …" tail.
            return name.strip(" ,")
        generic = re.match(
            r"\s*(?:an?\s+)(?P<name>[a-z][\w -]*?\bplatform\s+(?:for|of)\b[^.]*?)"
            r"(?=\s+(?:through|by which|by|to|that|which|where)\b|[.;]|$)",
            rest,
        )
        if generic:
            name = generic["name"].strip(" ,")
            return name[0].upper() + name[1:]
        return None

    # people

    def read_people(self):
        self.people_by_key = {}
        for sentence in self.body:
            if CREDIT_LINE.match(sentence.text):
                continue
            self.person_mentions[sentence.index] = (
                self.safely(self.find_people, sentence, role_sentence(sentence.text)) or []
            )
        for sentence in self.body:
            self.safely(self.read_roles, sentence)
        self.safely(self.read_on_behalf_of)
        self.draft.people = [person for person in self.people_by_key.values() if person.roles]

    def find_people(self, sentence, in_role_sentence):
        text, offset = sentence.text, sentence.start
        orgs = self.orgs_in(sentence)
        mentions = []
        previous_org = None
        for match in NAME_RUN.finditer(text):
            # Title words and organisation names before a name belong to its title
            # ("Darling West Health Board Chair Ms Jennifer Walsh"): the name follows them.
            words = list(re.finditer(r"\S+", match.group()))
            keep = 0
            for index, word in enumerate(words):
                if word.group().lower().strip(".") in NOT_NAME_WORDS or self.inside_org(
                    offset + match.start() + word.start(), orgs
                ):
                    keep = index + 1
            words = words[keep:]
            if len(words) < 2 or len(words) > 4:
                continue
            start = match.start() + words[0].start()
            end = match.end()
            printed = text[start:end]
            printed = re.sub(r"['’]s$", "", printed)
            if any(word.lower().strip(".") in NOT_NAME_WORDS for word in printed.split()):
                continue
            if any(o.start < offset + end and offset + start < o.end for o in orgs):
                continue
            left = text[:start]
            right = text[start + len(printed) :]
            honorific = re.search(HONORIFIC + r"\s*$", left)
            before = self.title_before(sentence, left[: honorific.start()] if honorific else left)
            after = self.title_after(sentence, start + len(printed))
            parsed = parse_person_name(printed)
            known = self.people_by_key.get(parsed.key)
            chinese_bare = (
                in_role_sentence
                and len(printed.split()) == 2
                and printed.split()[0].lower() in CHINESE_FAMILY_NAMES
            )
            if not (honorific or before or after or known or chinese_bare):
                continue
            person = known or PersonFact(parsed=parsed, sentence=sentence.index)
            if known is None:
                self.people_by_key[parsed.key] = person
            if honorific and not person.honorific:
                person.honorific = honorific.group().strip()
            title_info = before or after
            if title_info:
                title, org_key, context_start, context_end = title_info
                if not person.title:
                    person.title = title
                    person.sentence = sentence.index
                if org_key and not person.institution:
                    person.institution = org_key
                previous_org = org_key or previous_org
                if not org_key and not person.institution and previous_org:
                    person.institution = previous_org
            else:
                context_start, context_end = start, start + len(printed)
            if honorific:
                context_start = min(context_start, honorific.start())
            if person.institution:
                previous_org = person.institution
            mentions.append(
                PersonMention(
                    offset + start,
                    offset + start + len(printed),
                    person,
                    offset + context_start,
                    offset + max(context_end, start + len(printed)),
                )
            )
            del right
        mentions.extend(self.surname_references(sentence, mentions))
        mentions.sort(key=lambda mention: mention.start)
        return mentions

    def inside_org(self, position, orgs):
        return any(o.start <= position < o.end for o in orgs)

    def title_before(self, sentence, left):
        """ "HKUST President", "Pennine Valley University's Vice-Chancellor,"."""
        offset = sentence.start
        stripped = left.rstrip(" ,")
        orgs = self.orgs_in(sentence)
        # "… Acting Head of Division of Integrative Systems and Design"
        for org in orgs:
            if org.end - offset == len(stripped):
                match = re.search(
                    r"(?P<title>" + TITLE + r")\s+(?:of|at)\s+(?:the\s+)?$",
                    stripped[: org.start - offset],
                    re.I,
                )
                if match:
                    title = stripped[match.start() : org.start - offset].strip()
                    title = re.sub(r"\s+(?:of|at)(?:\s+the)?$", "", title)
                    return title, org.key, match.start(), len(stripped)
        match = re.search(r"(?P<title>" + TITLE + TITLE_QUALIFIER + r")$", stripped, re.I)
        if not match:
            return None
        title_start = match.start()
        org_key = None
        before = stripped[:title_start].rstrip()
        before = re.sub(r"['’]s$", "", before)
        for org in orgs:
            if org.end - offset == len(before):
                org_key = org.key
                title_start = org.start - offset
        return match["title"].strip(), org_key, title_start, len(stripped)

    def title_after(self, sentence, position):
        """ ", President of PUTH", ", the director of the Institute …", " of TJU"."""
        text = sentence.text
        rest = text[position:]
        match = re.match(r"\s*,?\s*(?:the\s+)?(?P<title>" + TITLE + r")", rest, re.I)
        if not match:
            of = re.match(r"\s+of\s+(?:the\s+)?", rest)
            if of:
                for org in self.orgs_in(sentence):
                    if org.start - sentence.start == position + of.end():
                        return "", org.key, position, org.end - sentence.start
            return None
        title_end = position + match.end()
        clause_end = len(text)
        stop = re.search(r"[;]|,\s|\s+and\s+(?=[A-Z])", text[title_end:])
        if stop:
            clause_end = title_end + stop.start()
        orgs = self.orgs_in(sentence)
        for number, org in enumerate(orgs):
            org_start = org.start - sentence.start
            if title_end <= org_start < clause_end or (
                org_start >= title_end and org_start - title_end < 4
            ):
                # "Dean of the Faculty of Medicine at the University of Wessex": the
                # faculty belongs to the title, the position to the university.
                following = orgs[number + 1] if number + 1 < len(orgs) else None
                if following and re.fullmatch(
                    r"\s+at\s+(?:the\s+)?",
                    text[org.end - sentence.start : following.start - sentence.start],
                ):
                    title = text[position + match.start("title") : org.end - sentence.start]
                    return title.strip(), following.key, position, following.end - sentence.start
                title = text[position + match.start("title") : org_start]
                title = re.sub(r"\s+(?:of|at|for)(?:\s+the)?\s*$", "", title).strip()
                return title, org.key, position, org.end - sentence.start
        title = text[position + match.start("title") : clause_end].strip(" ,")
        return title, None, position, clause_end

    def surname_references(self, sentence, mentions):
        """ "Prof. Lam", "Chen said", "Dr Osei": a family name of someone already named."""
        found = []
        by_family = {}
        for person in self.people_by_key.values():
            by_family.setdefault(person.parsed.family_name.lower(), []).append(person)
        taken = [(m.start, m.end) for m in mentions]
        for match in re.finditer(
            r"(?:(?<=" + r"\bProf\. )|(?<=\bProfessor )|(?<=\bDr )|(?<=\bDr\. )|(?<=\bMr )|"
            r"(?<=\bMr\. )|(?<=\bMs )|(?<=\bMrs )|\b)(?P<family>" + NAME_WORD + r")(?![\w])",
            sentence.text,
        ):
            start = sentence.start + match.start()
            if any(s <= start < e for s, e in taken):
                continue
            people = by_family.get(match["family"].lower(), [])
            if len(people) != 1:
                continue
            left = sentence.text[: match.start()]
            right = sentence.text[match.end() :]
            if not (
                re.search(HONORIFIC + r"\s*$", left)
                or re.match(r"\s+(said|says|added|noted|told)\b", right)
                or re.search(r"\bsaid\s+$", left)
            ):
                continue
            found.append(
                PersonMention(start, start + len(match["family"]), people[0], start, start)
            )
        return found

    def read_roles(self, sentence):
        mentions = self.person_mentions.get(sentence.index, [])
        if not mentions:
            return
        text = sentence.text
        triggers = []
        for role, pattern in ROLE_TRIGGERS:
            for match in pattern.finditer(text):
                triggers.append(
                    (sentence.start + match.start(), sentence.start + match.end(), role)
                )
        triggers.sort()
        if not triggers:
            if len(mentions) >= 2 and self.is_bare_list(sentence, mentions):
                for mention in mentions:
                    mention.person.roles.setdefault("attendee", sentence.index)
            return
        if re.match(r"\s*As\s", text) and all(role == "speaker" for *_, role in triggers):
            return  # "As General Secretary X said, …" quotes someone, who did not speak here
        for position, (start, end, role) in enumerate(triggers):
            previous_end = triggers[position - 1][1] if position else sentence.start
            next_start = triggers[position + 1][0] if position + 1 < len(triggers) else sentence.end
            after = self.draft.text[end : end + 90]
            first_after = next((m for m in mentions if m.start >= end), None)
            by = re.match(r"(?:\s+over)?[^.;:\"“]{0,60}?\bby\b", after)
            passive = (
                role != "speaker"
                and bool(
                    by and (first_after is None or end + by.end() <= first_after.context_start + 1)
                )
            ) or (role == "attendee" and "attendees" in text[start - sentence.start :].lower())
            if role == "witness" and "presence of" in text[start - sentence.start : end].lower():
                passive = True
            if passive:
                chosen = [m for m in mentions if end <= m.start < next_start]
            elif role == "speaker":
                chosen = self.speakers(mentions, start, end, previous_end)
            else:
                chosen = [m for m in mentions if previous_end <= m.start and m.end <= start]
            for mention in chosen:
                mention.person.roles.setdefault(role, sentence.index)

    def speakers(self, mentions, start, end, previous_end):
        before = [m for m in mentions if m.end <= start and m.start >= previous_end]
        if before:
            last = before[-1]
            if start - last.context_end <= 60:
                chosen = [last]
                for mention in reversed(before[:-1]):
                    between = self.draft.text[mention.context_end : chosen[0].context_start]
                    if re.fullmatch(r"\s*(?:,\s*)?(?:and\s+)?", between):
                        chosen.insert(0, mention)
                    else:
                        break
                return chosen
        after = [m for m in mentions if m.start >= end]
        if after and after[0].context_start - end <= 40:
            return [after[0]]
        if before:
            return [before[-1]]
        return []

    def is_bare_list(self, sentence, mentions):
        text = self.draft.text
        rest = []
        position = sentence.start
        for mention in sorted(mentions, key=lambda m: m.context_start):
            rest.append(text[position : max(position, mention.context_start)])
            position = max(position, mention.context_end)
        rest.append(text[position : sentence.end])
        words = re.findall(r"\b[a-z]+\b", " ".join(rest))
        return sum(word not in LIST_FILLER for word in words) <= 1

    def read_on_behalf_of(self):
        parties = self.draft.parties
        signatories = [p for p in self.people_by_key.values() if "signatory" in p.roles]
        for person in signatories:
            if person.institution in parties:
                person.on_behalf_of = person.institution
        for sentence in self.body:
            match = re.search(r"on behalf of (?P<list>[^.]+?)\s+respectively", sentence.text)
            if not match:
                continue
            orgs = [
                m
                for m in self.orgs_in(sentence)
                if match.start("list") <= m.start - sentence.start < match.end("list")
            ]
            signers = [
                m.person
                for m in self.person_mentions.get(sentence.index, [])
                if "signatory" in m.person.roles
            ]
            for person, org in zip(signers, orgs, strict=False):
                person.on_behalf_of = org.key

    # fields

    def read_fields(self):
        pattern = self.gazetteer.field_pattern()
        if pattern is None:
            return
        seen = set()
        for sentence in self.body:
            for match in pattern.finditer(sentence.text):
                name = self.gazetteer.field_phrases.get(match.group().lower())
                if name and name not in seen:
                    seen.add(name)
                    self.draft.focus_areas.append(FieldFact(name, sentence.index))


SIGNING_WORDS = (
    r"\b(sign|signs|signed|signing|sighed|inked|memorandum|mou|agreement|partnership|"
    r"affiliation|jointly|co-build|collaborat)"
)
MONTH_NAMES = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
VENUE_WORDS = {
    "center",
    "centre",
    "hotel",
    "building",
    "hall",
    "hub",
    "room",
    "auditorium",
    "campus",
    "hospital",
    "house",
    "library",
    "theatre",
    "theater",
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
}
ESTABLISH = re.compile(
    r"\b(?:(?:will|would|to|plans? to|jointly|also|officially)\s+)*"
    r"(?:establish(?:es|ed)?|set up|sets up|create[sd]?|co-?build(?:ing)?|co-?establish(?:ed)?|"
    r"build|launch(?:es|ed)?|found(?:ed)?|unveiled the nameplate of|unveiled)\b",
    re.I,
)
BODY_HEADS = re.compile(
    r"\b(Institute|School|Centre|Center|Laboratory|Lab|Alliance|Unit|Platform|Class|Programme|"
    r"Program|Academy|Hub|Base|Clinic)\b"
)
BODY_WORD = r"(?:[A-Z][\w’'-]*|AI)"
BODY_NAME = BODY_WORD + r"(?:(?:\s+|\s*–\s*)(?:(?:of|and|for|in|on|the)\s+)*" + BODY_WORD + r")*"


def body_kind(name):
    lower = name.lower()
    for word, kind in (
        ("laborator", EstablishedBodyKind.LABORATORY),
        (" lab", EstablishedBodyKind.LABORATORY),
        ("alliance", EstablishedBodyKind.ALLIANCE),
        ("institute", EstablishedBodyKind.INSTITUTE),
        ("school", EstablishedBodyKind.SCHOOL),
        ("college", EstablishedBodyKind.SCHOOL),
        ("centre", EstablishedBodyKind.CENTRE),
        ("center", EstablishedBodyKind.CENTRE),
        ("unit", EstablishedBodyKind.CENTRE),
        ("class", EstablishedBodyKind.CLASS),
        ("programme", EstablishedBodyKind.CLASS),
        ("program", EstablishedBodyKind.CLASS),
        ("platform", EstablishedBodyKind.PLATFORM),
    ):
        if word in f" {lower}":
            return kind
    return EstablishedBodyKind.OTHER


def role_sentence(text):
    return any(pattern.search(text) for role, pattern in ROLE_TRIGGERS if role != "speaker")
