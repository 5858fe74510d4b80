"""The synthetic directory generator: records drawn from one ``random.Random(seed)``.

Shape, for N agreements: N/5 institutions (a few hubs with thousands of agreements,
then a long tail), N/2 people with positions, 150 fields in two levels, 2–4 parties
and 2–15 participations per agreement, signing dates over thirty years with mixed
precision, one synthetic press release per agreement. Rows are written through
:class:`~partnerships.synthetic.loader.RowWriter`.
"""

import datetime as dt
import itertools
import random
import time
from bisect import bisect
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils.text import slugify

from .. import write_path
from ..models import (
    Agreement,
    AgreementFocusArea,
    AgreementKind,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionRelation,
    Participation,
    Person,
    Position,
    Source,
    SourceCredit,
)
from .loader import BATCH_SIZE, GENERATED_MODELS, RowWriter, suspend_indexes_and_constraints
from .vocabulary import (
    ACADEMIC_TEMPLATES,
    CANTONESE_FAMILY_NAMES,
    CITIES,
    CITY_HOSPITAL_TEMPLATES,
    COUNTY_HOSPITAL_TEMPLATES,
    DIRECTIONS,
    ENGLISH_GIVEN_NAMES,
    FAMILY_NAMES,
    FOCUS_AREAS,
    GIVEN_SYLLABLES,
    GOVERNMENT_TEMPLATES,
    HONORIFICS,
    LEADER_TITLES,
    NATIONAL_BODIES,
    ORDINALS,
    PLACE_SYLLABLES,
    POSITION_TITLES,
    PROVINCE_HOSPITAL_TEMPLATES,
    PUBLISHERS,
    REGIONS,
    REGIONS_BY_CITY,
    RESEARCH_TEMPLATES,
    SCHOOL_TEMPLATES,
    SECOND_TITLES,
    UNIVERSITY_HOSPITAL_TEMPLATES,
    VENUE_TYPES,
)

START_YEAR, END_YEAR = 1996, 2025  # thirty years of signings

KIND_WEIGHTS = [
    ("strategic_cooperation", 40),
    ("cooperation", 25),
    ("co_establishment", 14),
    ("memorandum", 15),
    ("other", 6),
]
KIND_SLUGS = {
    "strategic_cooperation": "strategic-cooperation",
    "cooperation": "cooperation",
    "co_establishment": "co-establishment",
    "memorandum": "mou",
    "other": "agreement",
}
OTHER_TITLES = [
    "Framework agreement",
    "Joint training agreement",
    "Clinical teaching base agreement",
    "Research collaboration agreement",
]
PARTY_COUNT_WEIGHTS = [(2, 80), (3, 15), (4, 5)]
# Participations per agreement, 2 to 15 (mean about 6).
PARTICIPANT_WEIGHTS = list(
    zip(range(2, 16), [10, 14, 15, 13, 11, 9, 7, 5, 4, 3, 3, 2, 2, 2], strict=True)
)
EXTRA_ROLE_WEIGHTS = [
    ("presided", 10),
    ("spoke", 22),
    ("witnessed", 14),
    ("unveiled", 8),
    ("attended", 46),
]
FOCUS_COUNT_WEIGHTS = [(1, 35), (2, 35), (3, 20), (4, 10)]
TERMS = [12, 24, 36, 36, 36, 60, 60, 120]
SMALL_WORDS = {"of", "and", "the", "for", "in", "on", "to"}
ACRONYM_RATE = {
    "university": 0.8,
    "medical_university": 0.8,
    "academy": 0.7,
    "research_institute": 0.5,
    "school": 0.2,
    "hospital": 0.35,
    "government": 0.2,
    "other": 0.5,
}
SYNTHETIC_NOTE = "Synthetic record made by generate_directory (seed {seed}); not a real document."


class Picker:
    """Weighted choice by bisecting cumulative weights: fast and reproducible."""

    def __init__(self, rng, items, weights):
        self.rng = rng
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    @classmethod
    def of(cls, rng, pairs):
        return cls(rng, [item for item, _ in pairs], [weight for _, weight in pairs])

    def __call__(self):
        index = bisect(self.cumulative, self.rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


def zipf_weights(count, hubs=0, hub_share=0.0, exponent=0.85, offset=8):
    """A long tail, with ``hubs`` leading items sharing ``hub_share`` of all picks."""
    tail = [1.0 / (rank + offset) ** exponent for rank in range(count - hubs)]
    if not hubs:
        return tail
    hub_weight = hub_share * sum(tail) / (1.0 - hub_share) / hubs if tail else 1.0
    return [hub_weight] * hubs + tail


def make_slug(text):
    return slugify(text.replace("–", " ").replace("—", " ").replace("'", ""))


class SlugRegistry:
    """Unique slugs within one model: ``wang-wei``, ``wang-wei-2``, …"""

    def __init__(self, max_length, existing=()):
        self.max_length = max_length
        self.used = set(existing)
        self.next_suffix = {}

    def take(self, text):
        base = make_slug(text)[: self.max_length].strip("-") or "record"
        slug = base
        suffix = self.next_suffix.get(base, 1)
        while slug in self.used:
            suffix += 1
            tail = f"-{suffix}"
            slug = base[: self.max_length - len(tail)].rstrip("-") + tail
        self.next_suffix[base] = suffix
        self.used.add(slug)
        return slug


def acronym(name):
    words = name.replace(",", " ").replace("'", "").replace("–", " ").split()
    return "".join(word[0].upper() for word in words if word.lower() not in SMALL_WORDS)


def lower_first(text):
    """ "Medical imaging" → "medical imaging", but "MedTech innovation" and "TCM" stay."""
    first = text.split(" ", 1)[0]
    if first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def title_case(text):
    words = text.split(" ")
    return " ".join(
        word if (index and word in SMALL_WORDS) or not word[1:].islower() else word.capitalize()
        for index, word in enumerate(words)
    )


def join_names(names):
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(slots=True)
class Place:
    name: str
    zh: str
    city: str
    region: str
    level: str  # city, municipality, province, autonomous, sar


@dataclass(slots=True, eq=False)
class Inst:
    name: str
    zh: str
    kind: str
    city: str
    region: str
    tier: int = 1  # 0 for the prominent ones that partnerships cluster around
    acronym: str = ""
    parent: "Inst | None" = None
    relation: str = ""
    pk: int | None = None
    index: int = -1


@dataclass
class Summary:
    institutions: int = 0
    institution_names: int = 0
    institution_relations: int = 0
    people: int = 0
    positions: int = 0
    focus_areas: int = 0
    sources: int = 0
    source_credits: int = 0
    agreements: int = 0
    published: int = 0
    parties: int = 0
    participations: int = 0
    focus_links: int = 0
    established_bodies: int = 0
    hubs: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)


class DirectoryGenerator:
    """Builds the synthetic directory; call :meth:`run` inside a transaction."""

    def __init__(self, agreements, seed=42, batch_size=BATCH_SIZE, log=None):
        if agreements < 1:
            raise ValueError("Generate at least one agreement.")
        self.agreement_count = agreements
        self.seed = seed
        self.batch_size = batch_size
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.summary = Summary()
        self.note = SYNTHETIC_NOTE.format(seed=seed)
        self.writer = RowWriter(batch_size)
        self.institution_slugs = SlugRegistry(
            120, Institution.objects.values_list("slug", flat=True)
        )
        self.person_slugs = SlugRegistry(120, Person.objects.values_list("slug", flat=True))
        self.agreement_slugs = SlugRegistry(160, Agreement.objects.values_list("slug", flat=True))
        self.source_slugs = SlugRegistry(120, Source.objects.values_list("slug", flat=True))
        self.focus_slugs = SlugRegistry(120, FocusArea.objects.values_list("slug", flat=True))

    # -- the whole run ---------------------------------------------------------------

    def run(self, refresh=True):
        steps = [
            ("focus areas", self.make_focus_areas),
            ("institutions", self.make_institutions),
            ("people", self.make_people),
            ("agreements", self.make_agreements),
        ]
        if refresh:
            steps.append(("search documents", self.refresh_search_documents))
        with self.timed("indexes and constraints dropped"):
            restore = suspend_indexes_and_constraints(GENERATED_MODELS)
        for label, step in steps:
            with self.timed(label):
                step()
        with self.timed("indexes and constraints rebuilt"):
            restore()
        return self.summary

    @contextmanager
    def timed(self, label):
        started = time.perf_counter()
        yield
        self.summary.timings[label] = time.perf_counter() - started
        self.log(f"  {label}: {self.summary.timings[label]:.1f} s")

    def refresh_search_documents(self):
        if connection.vendor == "postgresql":
            # The correlated subqueries need statistics on the tables just filled, or
            # the planner scans whole link tables per row (minutes instead of seconds).
            # (The search GIN indexes are rebuilt afterwards, not updated row by row.)
            with connection.cursor() as cursor:
                for model in GENERATED_MODELS:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                cursor.execute("SET LOCAL work_mem = '256MB'")
        # COPY bypassed the ORM and its signals: rebuild all derived data, in this session.
        write_path.rebuild_everything()

    # -- focus areas -----------------------------------------------------------------

    def make_focus_areas(self):
        existing = {area.name: area for area in FocusArea.objects.all()}
        tops = []
        for name, _ in FOCUS_AREAS:
            area = existing.get(name) or FocusArea(name=name, slug=self.focus_slugs.take(name))
            tops.append(area)
        FocusArea.objects.bulk_create([area for area in tops if area.pk is None])
        groups = []
        children = []
        for top, (_, child_names) in zip(tops, FOCUS_AREAS, strict=True):
            parent = top if top.parent_id is None else None
            group = []
            for name in child_names:
                area = existing.get(name) or FocusArea(
                    name=name, slug=self.focus_slugs.take(name), parent=parent
                )
                if area.pk is None:
                    children.append(area)
                group.append(area)
            groups.append((top, group))
        FocusArea.objects.bulk_create(children)
        self.summary.focus_areas = sum(area.pk is not None for area in tops) + len(children)
        self.focus_groups = groups
        # Some fields are far more common than others.
        self.focus_group_picker = Picker(self.rng, range(len(groups)), zipf_weights(len(groups)))
        self.focus_child_weights = zipf_weights(9, offset=2)

    def pick_focus_areas(self):
        rng = self.rng
        count = self.focus_count_picker()
        group_index = self.focus_group_picker()
        chosen = []
        for attempt in range(count * 3):
            if len(chosen) == count:
                break
            if attempt and rng.random() < 0.3:
                group_index = self.focus_group_picker()
            top, children = self.focus_groups[group_index]
            if rng.random() < 0.2:
                area = top
            else:
                area = rng.choices(children, weights=self.focus_child_weights[: len(children)])[0]
            if area not in chosen:
                chosen.append(area)
        return chosen

    # -- institutions ----------------------------------------------------------------

    def places(self):
        capitals = {}
        for city, _, region in CITIES:
            capitals.setdefault(region, city)
        places = []
        for city, zh, region in CITIES:
            level = REGIONS[region][1]
            places.append(Place(city, zh, city, region, "sar" if level == "sar" else "city"))
        for region, (zh, level) in REGIONS.items():
            if level in ("province", "autonomous"):
                places.append(Place(region, zh, capitals[region], region, level))
        return places

    def make_institutions(self):
        rng = self.rng
        total = max(10, round(self.agreement_count / 5))
        places = self.places()
        city_places = [place for place in places if place.level == "city"]
        cities_by_region = {}
        for place in city_places:
            cities_by_region.setdefault(place.region, []).append(place.city)

        national = [
            Inst(name, zh, kind, city, REGIONS_BY_CITY[city], tier=1, acronym=abbreviation)
            for name, zh, abbreviation, kind, city in NATIONAL_BODIES[: total // 50]
        ]

        academic_pool = []
        for place in places:
            for index, (en, zh, kind) in enumerate(ACADEMIC_TEMPLATES):
                prominent = index < 4 and (
                    place.level in ("province", "autonomous")
                    or REGIONS[place.region][1] == "municipality"
                )
                academic_pool.append(
                    Inst(
                        en.format(p=place.name),
                        zh.format(z=place.zh),
                        kind,
                        place.city,
                        place.region,
                        tier=0 if prominent else 1,
                    )
                )
        rng.shuffle(academic_pool)
        academic_pool.sort(key=lambda inst: inst.tier)
        academic = academic_pool[: max(2, min(len(academic_pool), round(total * 0.28)))]

        research_pool = [
            Inst(en.format(p=place.name), zh.format(z=place.zh), kind, place.city, place.region)
            for place in places
            if place.level != "sar"
            for en, zh, kind in RESEARCH_TEMPLATES
        ]
        rng.shuffle(research_pool)
        research = research_pool[: min(len(research_pool), round(total * 0.06))]

        universities = [inst for inst in academic if inst.kind == "university"]
        school_pool = [
            Inst(
                en.format(u=university.name),
                zh.format(uz=university.zh),
                "school",
                university.city,
                university.region,
                parent=university,
                relation="part_of",
            )
            for university in universities
            for en, zh in SCHOOL_TEMPLATES
        ]
        rng.shuffle(school_pool)
        schools = school_pool[: min(len(school_pool), round(total * 0.04))]

        government_pool = [
            Inst(
                en.format(p=place.name),
                zh.format(z=place.zh),
                "government",
                place.city,
                place.region,
            )
            for place in places
            if place.level in GOVERNMENT_TEMPLATES
            for en, zh in GOVERNMENT_TEMPLATES[place.level]
        ]
        rng.shuffle(government_pool)
        government = government_pool[: min(len(government_pool), round(total * 0.02))]

        hospital_count = total - len(national) - len(academic) - len(research) - len(schools)
        hospital_count -= len(government)
        hospitals = self.hospitals(hospital_count, academic, places, cities_by_region)

        self.academic = sorted(
            [inst for inst in national if inst.kind == "academy"] + academic, key=lambda i: i.tier
        )
        self.academic += research + schools
        self.hospital_list = [inst for inst in national if inst.kind == "hospital"] + hospitals
        self.hospital_list.sort(key=lambda inst: inst.tier)
        self.others = [inst for inst in national if inst.kind in ("government", "other")]
        self.others += government

        institutions = national + academic + research + schools + government + hospitals
        used_names = set(Institution.objects.values_list("name", flat=True))
        for index, inst in enumerate(institutions):
            branch = 1
            name = inst.name
            while name in used_names:
                branch += 1
                name = f"{inst.name} (Branch {branch})"
            inst.name = name
            used_names.add(name)
            inst.index = index
            if not inst.acronym and rng.random() < ACRONYM_RATE[inst.kind]:
                inst.acronym = self.abbreviate(inst)
        self.institutions = institutions

        ids = self.writer.insert(
            Institution,
            ("slug", "name", "kind", "city", "region", "country"),
            [
                (self.institution_slugs.take(i.name), i.name, i.kind, i.city, i.region, "China")
                for i in institutions
            ],
            return_ids=True,
        )
        for inst, pk in zip(institutions, ids, strict=True):
            inst.pk = pk

        names = []
        relations = []
        for inst in institutions:
            if inst.acronym:
                names.append((inst.pk, inst.acronym, "acronym", ""))
            if rng.random() < 0.9:
                names.append((inst.pk, inst.zh, "label", "zh-Hans"))
            if inst.parent is not None:
                relations.append((inst.pk, inst.relation, inst.parent.pk))
        self.writer.insert(
            InstitutionName, ("institution_id", "name", "name_type", "language"), names
        )
        self.writer.insert(
            InstitutionRelation, ("subject_id", "relation_type", "object_id"), relations
        )

        # Who partners with whom: a few hubs, then a long tail.
        hub_count = max(1, min(4, len(self.academic) // 50))
        self.academic_picker = Picker(
            rng, self.academic, zipf_weights(len(self.academic), hub_count, 0.10)
        )
        hospital_hubs = max(1, min(4, len(self.hospital_list) // 50))
        self.hospital_picker = Picker(
            rng, self.hospital_list, zipf_weights(len(self.hospital_list), hospital_hubs, 0.10)
        )
        others = self.others or self.hospital_list
        self.other_picker = Picker(rng, others, zipf_weights(len(others)))
        self.summary.hubs = [inst.name for inst in self.academic[:hub_count]]
        self.summary.hubs += [inst.name for inst in self.hospital_list[:hospital_hubs]]
        self.summary.institutions = len(institutions)
        self.summary.institution_names = len(names)
        self.summary.institution_relations = len(relations)

    def abbreviate(self, inst):
        if inst.parent is not None and inst.name.startswith("The "):
            # "The First Affiliated Hospital of Tianjin Medical University" → FAHTMU
            return acronym(inst.name.split(" of ", 1)[0]) + acronym(inst.parent.name)
        return acronym(inst.name)

    def hospitals(self, count, academic, places, cities_by_region):
        rng = self.rng
        pool = []
        for university in academic:
            if university.kind not in ("university", "medical_university"):
                continue
            medical = university.kind == "medical_university"
            affiliated = rng.randint(2, 8) if medical else rng.choice([0, 0, 1, 1, 2, 3])
            for number, (ordinal, ordinal_zh) in enumerate(ORDINALS[:affiliated]):
                pool.append(
                    Inst(
                        f"The {ordinal} Affiliated Hospital of {university.name}",
                        f"{university.zh}第{ordinal_zh}附属医院",
                        "hospital",
                        university.city,
                        university.region,
                        tier=0 if number < 2 and university.tier == 0 else 1,
                        parent=university,
                        relation="affiliated_with",
                    )
                )
            for en, zh in rng.sample(UNIVERSITY_HOSPITAL_TEMPLATES, rng.randint(0, 2)):
                pool.append(
                    Inst(
                        en.format(u=university.name),
                        zh.format(uz=university.zh),
                        "hospital",
                        university.city,
                        university.region,
                        tier=0 if en.startswith("{u} General") else 1,
                        parent=university,
                        relation="affiliated_with",
                    )
                )
        for place in places:
            if place.level == "city":
                for ordinal, ordinal_zh in ORDINALS[:6]:
                    pool.append(
                        Inst(
                            f"{place.name} {ordinal} People's Hospital",
                            f"{place.zh}市第{ordinal_zh}人民医院",
                            "hospital",
                            place.city,
                            place.region,
                            tier=2,
                        )
                    )
                for en, zh in CITY_HOSPITAL_TEMPLATES:
                    pool.append(
                        Inst(
                            en.format(p=place.name),
                            zh.format(z=place.zh),
                            "hospital",
                            place.city,
                            place.region,
                            tier=2,
                        )
                    )
            elif place.level in ("province", "autonomous"):
                for index, (en, zh) in enumerate(PROVINCE_HOSPITAL_TEMPLATES):
                    if place.level == "autonomous":
                        en = en.replace("Provincial", "Autonomous Region")
                        zh = zh.replace("省", "自治区")
                    pool.append(
                        Inst(
                            en.format(p=place.name),
                            zh.format(z=place.zh),
                            "hospital",
                            place.city,
                            place.region,
                            tier=0 if index == 0 else 1,
                        )
                    )
        rng.shuffle(pool)
        pool.sort(key=lambda inst: inst.tier)
        hospitals = pool[:count]
        # County hospitals: as many as needed, on made-up county names.
        provinces = [place for place in places if place.level in ("province", "autonomous")]
        counties = set()
        while len(hospitals) < count:
            syllables = rng.sample(PLACE_SYLLABLES, 2 if rng.random() < 0.85 else 3)
            county = syllables[0][0].capitalize()
            for syllable, _ in syllables[1:]:
                county += ("'" if syllable[0] in "aeo" else "") + syllable
            county_zh = "".join(char for _, char in syllables)
            if county in counties:
                continue
            counties.add(county)
            province = rng.choice(provinces)
            city = rng.choice(cities_by_region[province.region])
            for en, zh in COUNTY_HOSPITAL_TEMPLATES[: rng.randint(1, 3)]:
                if len(hospitals) < count:
                    hospitals.append(
                        Inst(
                            en.format(c=county),
                            zh.format(cz=county_zh),
                            "hospital",
                            city,
                            province.region,
                            tier=3,
                        )
                    )
        return hospitals

    # -- people ----------------------------------------------------------------------

    def person_name(self):
        """(family, given, order, native name)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            family, family_zh = rng.choice(CANTONESE_FAMILY_NAMES)
            return family, rng.choice(ENGLISH_GIVEN_NAMES), "given_first", ""
        family, family_zh = self.family_picker()
        syllables = rng.sample(GIVEN_SYLLABLES, 1 if rng.random() < 0.3 else 2)
        given = syllables[0][0].capitalize()
        for syllable, _ in syllables[1:]:
            given += ("'" if syllable[0] in "aeo" else "") + syllable
        native = family_zh + "".join(char for _, char in syllables) if rng.random() < 0.6 else ""
        order = "given_first" if roll < 0.08 else "family_first"
        return family, given, order, native

    def random_date(self):
        year = self.year_picker()
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def make_people(self):
        rng = self.rng
        self.family_picker = Picker(
            rng, FAMILY_NAMES, zipf_weights(len(FAMILY_NAMES), exponent=1.0, offset=3)
        )
        self.honorific_picker = Picker.of(rng, HONORIFICS)
        years = range(START_YEAR, END_YEAR + 1)
        self.year_picker = Picker(rng, years, [year - START_YEAR + 4 for year in years])
        total = max(10, round(self.agreement_count / 2))
        people = []
        for _ in range(total):
            family, given, order, native = self.person_name()
            display = f"{given} {family}" if order == "given_first" else f"{family} {given}"
            slug = self.person_slugs.take(display)
            people.append((slug, family, given, order, native, self.honorific_picker()))
        people = self.writer.insert(
            Person,
            ("slug", "family_name", "given_name", "name_order", "native_name", "honorifics"),
            people,
            return_ids=True,
        )

        # Every institution has someone; the rest cluster where the partnerships are.
        institutions = self.institutions
        staffed = [0] * len(institutions)
        positions = []
        owners = []  # (institution index, is leader) per position
        for number, person_id in enumerate(people):
            if number < len(institutions):
                inst = institutions[number]
            else:
                roll = rng.random()
                if roll < 0.5:
                    inst = self.academic_picker()
                elif roll < 0.9:
                    inst = self.hospital_picker()
                else:
                    inst = self.other_picker()
            titles = POSITION_TITLES[inst.kind]
            rank = staffed[inst.index]
            staffed[inst.index] += 1
            title = titles[rank] if rank < 2 else rng.choice(titles[2:])
            as_of, precision = self.position_date()
            positions.append((person_id, inst.pk, title, as_of, precision))
            owners.append((inst.index, title in LEADER_TITLES))
            if rng.random() < 0.2:
                other = self.other_picker() if rng.random() < 0.5 else self.academic_picker()
                if other is not inst:
                    as_of, precision = self.position_date()
                    title = SECOND_TITLES.get(other.kind, "Adjunct Professor")
                    positions.append((person_id, other.pk, title, as_of, precision))
                    owners.append((other.index, False))
        position_ids = self.writer.insert(
            Position,
            ("person_id", "institution_id", "title", "as_of", "as_of_precision"),
            positions,
            return_ids=True,
        )
        self.staff = [[] for _ in institutions]
        self.leaders = [[] for _ in institutions]
        for position, pk, (index, leader) in zip(positions, position_ids, owners, strict=True):
            entry = (position[0], pk)
            self.staff[index].append(entry)
            if leader:
                self.leaders[index].append(entry)
        self.summary.people = total
        self.summary.positions = len(positions)

    def position_date(self):
        roll = self.rng.random()
        if roll < 0.5:
            return None, "unknown"
        if roll < 0.85:
            return dt.date(self.year_picker(), 1, 1), "year"
        return self.random_date(), "day"

    # -- agreements ------------------------------------------------------------------

    def make_agreements(self):
        rng = self.rng
        self.kind_picker = Picker.of(rng, KIND_WEIGHTS)
        self.party_count_picker = Picker.of(rng, PARTY_COUNT_WEIGHTS)
        self.participant_count_picker = Picker.of(rng, PARTICIPANT_WEIGHTS)
        self.extra_role_picker = Picker.of(rng, EXTRA_ROLE_WEIGHTS)
        self.focus_count_picker = Picker.of(rng, FOCUS_COUNT_WEIGHTS)
        self.kind_labels = dict(AgreementKind.choices)
        for start in range(0, self.agreement_count, self.batch_size):
            stop = min(self.agreement_count, start + self.batch_size)
            self.make_agreement_batch(stop - start)
            if stop % (self.batch_size * 4) == 0 or stop == self.agreement_count:
                self.log(f"    {stop:,} agreements")

    def make_agreement_batch(self, count):
        write = self.writer.insert
        specs = [self.agreement_spec() for _ in range(count)]
        source_ids = write(Source, SOURCE_FIELDS, [spec["source"] for spec in specs], True)
        agreement_ids = write(
            Agreement, AGREEMENT_FIELDS, [spec["agreement"] for spec in specs], True
        )

        credits, parties, participations, focus_links, source_links, bodies = [], [], [], [], [], []
        for aid, sid, spec in zip(agreement_ids, source_ids, specs, strict=True):
            for order, (name, role) in enumerate(spec["credits"]):
                credits.append((sid, name, role, order))
            for order, inst in enumerate(spec["parties"]):
                parties.append((aid, inst.pk, order, sid))
            for order, (person, role, behalf, position) in enumerate(spec["participants"]):
                participations.append((aid, person, role, behalf, position, order, sid))
            for area in spec["focus_areas"]:
                focus_links.append((aid, area.pk, sid))
            source_links.append((aid, sid))
            for name, kind, planned in spec["bodies"]:
                bodies.append((aid, name, kind, planned, sid))
        write(SourceCredit, ("source_id", "name", "role", "order"), credits)
        write(AgreementParty, ("agreement_id", "institution_id", "order", "source_id"), parties)
        write(Participation, PARTICIPATION_FIELDS, participations)
        write(AgreementFocusArea, ("agreement_id", "focus_area_id", "source_id"), focus_links)
        write(AgreementSource, ("agreement_id", "source_id"), source_links)
        write(EstablishedBody, ("agreement_id", "name", "kind", "planned", "source_id"), bodies)

        summary = self.summary
        summary.sources += len(source_ids)
        summary.source_credits += len(credits)
        summary.agreements += len(agreement_ids)
        summary.published += sum(
            spec["agreement"][9] == AgreementStatus.PUBLISHED for spec in specs
        )
        summary.parties += len(parties)
        summary.participations += len(participations)
        summary.focus_links += len(focus_links)
        summary.established_bodies += len(bodies)

    def pick_parties(self):
        rng = self.rng
        count = self.party_count_picker()
        if rng.random() < 0.85:
            first = self.academic_picker()
            second = self.hospital_picker() if rng.random() < 0.8 else self.academic_picker()
        else:
            first = self.hospital_picker()
            second = self.academic_picker() if rng.random() < 0.7 else self.hospital_picker()
        parties = [first]
        for candidate in [second] + [None] * (count - 2):
            for _ in range(10):
                if candidate is None or candidate in parties:
                    roll = rng.random()
                    candidate = (
                        self.other_picker()
                        if roll < 0.15
                        else self.academic_picker()
                        if roll < 0.55
                        else self.hospital_picker()
                    )
                    continue
                parties.append(candidate)
                break
        return parties

    def signing_date(self):
        roll = self.rng.random()
        if roll < 0.03:
            return None, "unknown"
        day = self.random_date()
        if roll < 0.85:
            return day, "day"
        if roll < 0.94:
            return day.replace(day=1), "month"
        return day.replace(month=1, day=1), "year"

    def agreement_spec(self):
        rng = self.rng
        parties = self.pick_parties()
        kind = self.kind_picker()
        signed_on, precision = self.signing_date()
        areas = self.pick_focus_areas()
        bodies = self.established_bodies(kind, parties, areas)
        full_names = join_names([inst.name for inst in parties])
        short_names = [inst.acronym or inst.name for inst in parties]
        title = self.agreement_title(kind, full_names, areas, bodies)
        if len(title) > 300:
            title = self.agreement_title(kind, join_names(short_names), areas, bodies)
        if len(title) > 300:
            title = title[:299] + "…"
        year = signed_on.year if signed_on else "undated"
        slug = self.agreement_slugs.take(
            f"{short_names[0]} {short_names[1]} {KIND_SLUGS[kind]} {year}"
        )
        term = rng.choice(TERMS) if rng.random() < 0.25 else None
        published = rng.random() < 0.95
        host = parties[0] if rng.random() < 0.7 else rng.choice(parties)

        if signed_on is None:
            release = self.random_date()
        elif precision == "day":
            release = signed_on + dt.timedelta(days=rng.randrange(8))
        else:
            release = signed_on + dt.timedelta(
                days=rng.randrange(28 if precision == "month" else 360)
            )
        published_at = None
        if published:
            published_at = dt.datetime.combine(
                release + dt.timedelta(days=rng.randrange(1, 30)), dt.time(9, 0), tzinfo=dt.UTC
            )

        summary = f"{full_names} agreed to cooperate on "
        summary += join_names([lower_first(area.name) for area in areas]) + "."
        for name, _, planned in bodies:
            summary += (
                f" The agreement {'plans to establish' if planned else 'establishes'} the {name}."
            )
        if term:
            summary += f" It runs for {term // 12} year{'s' if term > 12 else ''}."

        source = (  # SOURCE_FIELDS
            self.source_slugs.take(f"press-release {slug}"),
            self.source_title(short_names, kind),
            rng.choice(PUBLISHERS).format(a=short_names[0], city=host.city),
            release,
            "en",
            self.note,
        )
        credits = []
        if rng.random() < 0.5:
            credits.append((self.credit_name(), "reporter"))
            if rng.random() < 0.5:
                credits.append((self.credit_name(), "editor"))

        place = self.venue(host) if rng.random() < 0.8 else ""
        city = host.city if rng.random() < 0.9 else ""
        status = AgreementStatus.PUBLISHED if published else AgreementStatus.DRAFT
        agreement = (slug, title, kind, signed_on, precision, place, city, term, summary, status)
        # The synthetic release's summary stands as the sentence stating the date.
        date_quote = summary if precision != "unknown" else ""
        agreement += (published_at, date_quote)  # AGREEMENT_FIELDS
        return {
            "agreement": agreement,
            "source": source,
            "credits": credits,
            "parties": parties,
            "participants": self.participants(parties, bool(bodies)),
            "focus_areas": areas,
            "bodies": bodies,
        }

    def source_title(self, short_names, kind):
        what = lower_first(self.kind_labels[kind])
        title = f"{join_names(short_names)} sign {what}"
        if len(title) > 300:
            title = f"{short_names[0]} and {len(short_names) - 1} partners sign {what}"
        return title[:300]

    def agreement_title(self, kind, names, areas, bodies):
        if kind == "strategic_cooperation":
            return f"Strategic cooperation agreement between {names}"
        if kind == "cooperation":
            return f"Cooperation agreement between {names} on {lower_first(areas[0].name)}"
        if kind == "co_establishment" and bodies:
            return f"Agreement to co-establish the {bodies[0][0]}"
        if kind == "memorandum":
            return f"Memorandum of understanding between {names}"
        return f"{OTHER_TITLES[len(names) % len(OTHER_TITLES)]} between {names}"

    def established_bodies(self, kind, parties, areas):
        rng = self.rng
        if kind == "co_establishment":
            count = 2 if rng.random() < 0.1 else 1
        else:
            count = 1 if rng.random() < 0.1 else 0
        bodies = []
        for _ in range(count):
            area = title_case(rng.choice(areas).name)
            first, second = (inst.acronym or inst.name for inst in parties[:2])
            body_kind = rng.choice(
                ["institute", "institute", "school", "centre", "class", "platform"]
            )
            options = {
                "institute": [
                    f"{first}–{second} Joint Institute of {area}",
                    f"{rng.choice(DIRECTIONS)} Institute of Advanced Medical Research",
                    f"Institute of {area}",
                ],
                "school": [f"School of {area}", "School of Medical Science and Engineering"],
                "centre": [
                    f"{area} Innovation Center",
                    f"Joint {area} Center",
                    "Future Medical Science and Technology Innovation and Transformation Center",
                ],
                "class": [
                    "Union Medical Class",
                    f"{first} Clinical Medicine Class",
                    f"{area} Talent Class",
                ],
                "platform": [f"{area} Research Platform", f"{area} Data Platform"],
            }[body_kind]
            name = rng.choice(options)[:250]
            if all(name != existing for existing, _, _ in bodies):
                bodies.append((name, body_kind, rng.random() < 0.2))
        return bodies

    def venue(self, host):
        rng = self.rng
        if rng.random() < 0.5:
            first, second = rng.sample(PLACE_SYLLABLES, 2)
            name = first[0].capitalize() + ("'" if second[0][0] in "aeo" else "") + second[0]
        else:
            name = host.acronym or host.name
        return f"{name} {rng.choice(VENUE_TYPES)}"[:200]

    def credit_name(self):
        family, given, order, _ = self.person_name()
        return f"{given} {family}" if order == "given_first" else f"{family} {given}"

    def participants(self, parties, has_body):
        """(person id, role, on behalf of institution id, position id) rows, 2 to 15."""
        rng = self.rng
        target = self.participant_count_picker()
        rows = []
        taken = set()
        present = []

        def add(person, role, behalf, position):
            if (person, role) in taken:
                return False
            taken.add((person, role))
            rows.append((person, role, behalf, position))
            present.append((person, position))
            return True

        for inst in parties:
            if len(rows) >= target:
                break
            pool = self.leaders[inst.index] or self.staff[inst.index]
            for _ in range(3):
                person, position = rng.choice(pool)
                if add(person, "signed", inst.pk, position):
                    break
        attempts = 0
        while len(rows) < target and attempts < target * 5:
            attempts += 1
            role = self.extra_role_picker()
            if role == "unveiled" and not has_body:
                role = "attended"
            roll = rng.random()
            if present and roll < 0.2:
                person, position = rng.choice(present)
            elif roll < 0.85:
                person, position = rng.choice(self.staff[rng.choice(parties).index])
            else:
                person, position = rng.choice(self.staff[self.other_picker().index])
            if rng.random() < 0.1:
                position = None
            add(person, role, None, position)
        return rows


SOURCE_FIELDS = ("slug", "title", "publisher", "published_on", "language", "notes")
AGREEMENT_FIELDS = (
    "slug",
    "title",
    "kind",
    "signed_on",
    "signed_on_precision",
    "place",
    "city",
    "term_months",
    "summary",
    "status",
    "published_at",
    "signed_on_quote",
)
PARTICIPATION_FIELDS = (
    "agreement_id",
    "person_id",
    "role",
    "on_behalf_of_id",
    "position_id",
    "order",
    "source_id",
)
