"""Named reads: views, exports and the API only read through these methods."""

from collections import defaultdict

from django.apps import apps
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.db.models.query import ModelIterable

from .common import AgreementStatus, NamedInTwoLanguages, NaturalKeyQuerySet, reads_chinese


# Newest first; the title and then the id make the order total, so pages never overlap.
def by_signing_date(descending=True, via=""):
    """The agreements' order by signing date, undated ones last on every database
    (PostgreSQL would put NULLs first when descending, SQLite when ascending); then by
    title and id. ``via`` reaches the agreement through a relation (``"agreement__"``)."""
    signed_on = F(f"{via}signed_on")
    date = signed_on.desc(nulls_last=True) if descending else signed_on.asc(nulls_last=True)
    return (date, f"{via}title", f"{via}pk")


NEWEST_FIRST = by_signing_date()
PUBLISHED = AgreementStatus.PUBLISHED


def in_order_of(queryset, ids):
    """The records of ``queryset`` with these ids, in the order of ``ids``: a page whose
    ids were found (and cached) by an expensive query, read back by primary key."""
    by_id = {record.pk: record for record in queryset.order_by().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def _agreement_focus_area():
    from .agreements import AgreementFocusArea

    return AgreementFocusArea


def sees_drafts(user):
    """Who may see drafts, decided here only: active staff (editors). Everyone else sees
    published records; cache keys and pages ask this same question."""
    return bool(user is not None and user.is_active and user.is_staff)


def public_rule(model, via=""):
    """The one rule for who readers see among institutions and people: a record is public
    when it is published on its own (every record but those created while curating) or
    belongs to a published agreement. An institution belongs as a party, as the body on
    whose behalf someone took part, or as the institution of a position a participant
    held; a person by taking part. Each EXISTS is answered by the link table's foreign
    key index; ``published`` short-circuits it for nearly every row.

    Pages do not ask it: the write path keeps its answer in ``is_public``
    (:func:`refresh_public_flags`), which :func:`public_condition` reads. Planning these
    three EXISTS in every query that lists institutions or people cost more than running
    them (an institution's page asked it six times).

    ``via`` reaches the record through a relation (``"institution__"``)."""
    from .agreements import AgreementParty, Participation

    outer = OuterRef(f"{via}pk")
    in_published = {"agreement__status": PUBLISHED}
    if getattr(model, "__name__", model) == "Institution":
        links = [
            AgreementParty.objects.filter(institution=outer, **in_published),
            Participation.objects.filter(on_behalf_of=outer, **in_published),
            Participation.objects.filter(position__institution=outer, **in_published),
        ]
    else:
        links = [Participation.objects.filter(person=outer, **in_published)]
    condition = Q(**{f"{via}published": True})
    for link in links:
        condition |= Exists(link)
    return condition


def public_condition(model, via=""):
    """Records readers see (:func:`public_rule`), as the write path last answered it.
    ``via`` reaches the record through a relation (``"institution__"``)."""
    return Q(**{f"{via}is_public": True})


def refresh_public_flags():
    """Bring ``is_public`` in line with :func:`public_rule`, after any write (the write
    path calls it). Only rows not yet marked public, or not published on their own, can
    be wrong: a record published on its own is public whatever else changed. Both
    statements touch no row that is already right."""
    from .institutions import Institution
    from .people import Person

    for model in (Institution, Person):
        rule = public_rule(model)
        rows = model._base_manager.all()
        rows.filter(is_public=False).filter(rule).update(is_public=True)
        rows.filter(is_public=True, published=False).exclude(rule).update(is_public=False)


def _positions(public_only):
    from .people import Position

    positions = Position.objects.select_related("institution")
    if public_only:
        positions = positions.filter(public_condition("Institution", via="institution__"))
    return positions


class PublicUnlessCuratedQuerySet(NaturalKeyQuerySet):
    """Institutions and people: readers see the public ones (:func:`public_condition`),
    editors every one, those not yet public marked as such (``is_public``)."""

    def public(self):
        return self.filter(public_condition(self.model))

    def visible_to(self, user):
        """Editors see every record, those not yet public marked by ``is_public``."""
        return self.all() if sees_drafts(user) else self.public()


def grouped(queryset, sort=None):
    """``{key: [values, …]}`` from ``(key, *values)`` rows, in the rows' order or by ``sort``.

    A single value is kept bare, several as a tuple.
    """
    groups = defaultdict(list)
    for key, *values in queryset:
        groups[key].append(values[0] if len(values) == 1 else tuple(values))
    if sort is not None:
        for values in groups.values():
            values.sort(key=sort)
    return groups


class IdArray(str):
    """Ids written once as one PostgreSQL array literal (``{1,2,3}``). Given a list,
    psycopg spells out every id again for each query: 60 ms for the 80,000 ids of a
    broad search, paid by each of a list's dozen counts. ``size``: how many ids."""

    def __new__(cls, ids):
        ids = list(ids)
        literal = super().__new__(cls, "{" + ",".join(str(int(pk)) for pk in ids) + "}")
        literal.size = len(ids)
        return literal


class InIds(Expression):
    """``field = ANY(ids)``: one array parameter rather than one placeholder per id
    (PostgreSQL only), which costs the ORM and the driver more than the query; a list of
    100,000 ids stays one value. ``ids``: a list, or an :class:`IdArray` to reuse."""

    output_field = BooleanField()
    conditional = True
    # From this many ids on, rows are found by reading them all and keeping those among
    # the ids (hashed), rather than by looking each id up in an index.
    READ_ALL_FROM = 20_000

    def __init__(self, field, ids):
        super().__init__()
        self.target = F(field) if isinstance(field, str) else field
        self.ids = ids

    def get_source_expressions(self):
        return [self.target]

    def set_source_expressions(self, expressions):
        (self.target,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.target)
        if getattr(self.ids, "size", len(self.ids)) >= self.READ_ALL_FROM:
            # "+ 0" keeps the column out of index conditions: the planner then reads
            # the narrow covering index of agreements (agreement_narrow_idx) whole, not
            # the 220 MB table, for the year, kind and in-force counts of a broad
            # search (80,000 of 100,000 agreements: 100 ms each became 25–50 ms).
            sql = f"({sql} + 0)"
        return f"{sql} = ANY(%s::bigint[])", (*params, self.ids)


_WRITTEN_ONCE = {}
# Stand-ins for single ids in SQL written once: no record has a negative id.
_STAND_IN_ID = -7_340_233_117


def sql_written_once(key, write, arguments, stand_ins):
    """``(sql, params)`` of ``write(*arguments)``: written once per process, under
    ``key``, as ``write(*stand_ins)``, and each call puts its ``arguments`` back among the
    parameters in place of the stand-ins. A stand-in is a list of ids (an ``IdArray``,
    found by identity), an id or a text (found by value).

    For small queries every page sends, the ORM took as long to write the SQL as the
    database to answer it (a page's cards' parties: 0.7 ms and 0.5).
    """
    if key not in _WRITTEN_ONCE:
        _WRITTEN_ONCE[key] = (*write(*stand_ins), stand_ins)
    sql, params, stand_ins = _WRITTEN_ONCE[key]
    by_identity, by_value = {}, {}
    for stand_in, value in zip(stand_ins, arguments, strict=True):
        if isinstance(stand_in, IdArray):
            by_identity[id(stand_in)] = value
        else:
            by_value[stand_in] = value

    def put_back(param):
        if id(param) in by_identity:
            return by_identity[id(param)]
        if isinstance(param, (int, str)) and not isinstance(param, bool) and param in by_value:
            value = by_value[param]
            # An integer field's value may come wrapped (psycopg's Int8): kept so.
            return type(param)(value) if isinstance(param, int) else value
        return param

    return sql, [put_back(param) for param in params]


def rows_written_once(name, build, *arguments):
    """The rows of ``build(*arguments)``, a ``values_list`` query whose values need no
    conversion (ids, numbers, text), each argument an id or a list of ids; on
    PostgreSQL its SQL is written once per process, under ``name``
    (:func:`sql_written_once`). A list of ids is one array parameter (``in_ids``).
    """
    if connection.vendor != "postgresql":
        return list(build(*arguments))
    arguments = [value if isinstance(value, (int, IdArray)) else list(value) for value in arguments]
    # Many ids are read another way (``InIds``): written apart.
    many = tuple(
        not isinstance(value, int) and getattr(value, "size", len(value)) >= InIds.READ_ALL_FROM
        for value in arguments
    )
    stand_ins = []
    for place, value in enumerate(arguments):
        if isinstance(value, int):
            stand_ins.append(_STAND_IN_ID - place)
        else:
            stand_in = IdArray([])
            stand_in.size = InIds.READ_ALL_FROM if many[place] else 0
            stand_ins.append(stand_in)
    sql, params = sql_written_once(
        (name, many),
        lambda *stand_ins: build(*stand_ins).query.sql_with_params(),
        arguments,
        stand_ins,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def in_ids(field, ids):
    """The condition ``field`` is one of ``ids``, for ``filter()``: on PostgreSQL as one
    array parameter (``InIds``), elsewhere as a plain ``IN``."""
    if isinstance(ids, IdArray):
        return InIds(field, ids)
    ids = list(ids)
    if connection.vendor == "postgresql":
        return InIds(field, ids)
    return Q(**{f"{field}__in": ids})


class ListedName(NamedInTwoLanguages):
    """A party or a field as a listed agreement names it (its card, the API's lists, the
    downloads): its address, its names in both languages and, for an institution, its
    kind; read as plain values, not as a model instance."""

    __slots__ = ("kind", "name", "name_zh_hans", "slug")

    def __init__(self, slug, name, name_zh_hans, kind=""):
        self.slug, self.name, self.name_zh_hans, self.kind = slug, name, name_zh_hans, kind


class ListedField(ListedName):
    """A field as the list's facet names it: its names, its address and its parent.

    Plain values rather than a model instance: the list reads all the fields from the
    cache on every uncached page, and unpickling 150 model instances took a millisecond,
    ten times as long as these (pickled as their arguments).
    """

    __slots__ = ("parent_id", "pk")

    def __init__(self, pk, parent_id, slug, name, name_zh_hans):
        super().__init__(slug, name, name_zh_hans)
        self.pk, self.parent_id = pk, parent_id

    def __reduce__(self):
        return (type(self), (self.pk, self.parent_id, self.slug, self.name, self.name_zh_hans))


def parties_by_agreement(agreement_ids):
    """``{agreement id: [ListedName, …]}``: its institutions, in the order the source
    names them.

    The one reading of listed agreements' parties, for cards, the API's lists and the
    downloads.
    """
    party = apps.get_model("partnerships", "AgreementParty")
    rows = grouped(
        rows_written_once(
            "parties-by-agreement",
            lambda ids: (
                party.objects.filter(in_ids("agreement_id", ids))
                .order_by("agreement_id", "order", "id")
                .values_list(
                    "agreement_id",
                    "institution__slug",
                    "institution__name",
                    "institution__name_zh_hans",
                    "institution__kind",
                )
            ),
            agreement_ids,
        )
    )
    return {pk: [ListedName(*names) for names in parties] for pk, parties in rows.items()}


def fields_by_agreement(agreement_ids):
    """``{agreement id: [ListedName, …]}``: its fields by name, for cards, the API's lists
    and the downloads.

    Sorted here by code point, not by the database's collation, so that both databases
    give the same order.
    """
    link = apps.get_model("partnerships", "AgreementFocusArea")
    rows = grouped(
        rows_written_once(
            "fields-by-agreement",
            lambda ids: (
                link.objects.filter(in_ids("agreement_id", ids))
                .order_by()
                .values_list(
                    "agreement_id",
                    "focus_area__slug",
                    "focus_area__name",
                    "focus_area__name_zh_hans",
                )
            ),
            agreement_ids,
        ),
        sort=lambda field: field[1],
    )
    return {pk: [ListedName(*names) for names in fields] for pk, fields in rows.items()}


def attach_card_parts(agreements):
    """Give each of ``agreements`` what its card names besides itself, read in two queries
    for them all: ``card_parties`` and ``card_fields`` (:func:`parties_by_agreement`,
    :func:`fields_by_agreement`).

    Prefetched as model instances, the twenty agreements of a list page brought about 130
    parties, institutions and fields, each with related managers: 6–9 ms of Python at
    100,000 agreements for three values apiece, read as values in about 3.
    """
    if not agreements:
        return
    ids = [agreement.pk for agreement in agreements]
    parties, fields = parties_by_agreement(ids), fields_by_agreement(ids)
    for agreement in agreements:
        agreement.card_parties = parties.get(agreement.pk, [])
        agreement.card_fields = fields.get(agreement.pk, [])


class AgreementCards(ModelIterable):
    """Agreements with their cards' parts (:func:`attach_card_parts`), read for all the
    rows of a query at once, however the query is later cut or reordered."""

    def __iter__(self):
        agreements = list(super().__iter__())
        attach_card_parts(agreements)
        yield from agreements


class ByReaderName:
    """A–Z by the name the reader sees, for every record named in two languages.

    In Chinese by the pinyin of the Chinese name (北京… under b), records without one
    among them by their English name; in English by the English name. ``ENGLISH_ORDER``
    names the English sort columns, ``name_pinyin`` is derived by search_documents.py.
    """

    ENGLISH_ORDER = ("name",)

    def by_name(self, *then):
        first, *rest = self.ENGLISH_ORDER
        if reads_chinese():
            key = Coalesce(NullIf(F("name_pinyin"), Value("")), Lower(first))
            return self.order_by(key, *rest, *then, "pk")
        return self.order_by(first, *rest, *then, "pk")


class AgreementQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def visible_to(self, user):
        """Staff see drafts (marked as such); everyone else sees published records only."""
        return self.all() if sees_drafts(user) else self.published()

    def for_cards(self):
        """Agreements to be shown as cards (lists, pages of records, search): each with
        ``card_parties`` and ``card_fields`` (:func:`attach_card_parts`)."""
        clone = self._chain()
        clone._iterable_class = AgreementCards
        return clone

    def for_list(self):
        """With parties and fields as model instances, for the admin, feeds and downloads,
        which read more of them than a card does."""
        from .agreements import AgreementParty

        return self.prefetch_related(
            Prefetch(
                "party_links",
                queryset=AgreementParty.objects.select_related("institution").order_by(
                    "order", "id"
                ),
            ),
            "focus_areas",
        )

    def for_detail(self):
        from .agreements import AgreementFocusArea, AgreementParty, Participation

        return self.select_related("ends_on_source").prefetch_related(
            Prefetch(
                "party_links",
                queryset=AgreementParty.objects.select_related("institution", "source").order_by(
                    "order", "id"
                ),
            ),
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related(
                    "person", "on_behalf_of", "position__institution", "source"
                ).order_by("order", "id"),
            ),
            Prefetch(
                "focus_links",
                queryset=AgreementFocusArea.objects.select_related("focus_area__parent", "source"),
            ),
            "established_bodies",
            "sources__credits",
        )

    def involving(self, institution):
        return self.filter(party_links__institution=institution)

    def in_field(self, focus_area):
        """Agreements in a field or any of its sub-fields."""
        # The field and its sub-fields first, then their links by index: an OR across the
        # join ("this field, or its parent is") scanned every agreement (70 against 6 ms).
        fields = type(focus_area).objects.filter(Q(pk=focus_area.pk) | Q(parent=focus_area))
        return self.filter(
            Exists(
                _agreement_focus_area().objects.filter(
                    agreement=OuterRef("pk"), focus_area__in=fields.values("pk")
                )
            )
        )

    def related_to(self, agreement):
        """Other agreements sharing a party with this one, newest first."""
        from .agreements import AgreementParty

        parties = AgreementParty.objects.filter(agreement=agreement).values("institution")
        return (
            self.exclude(pk=agreement.pk)
            .filter(
                Exists(
                    AgreementParty.objects.filter(agreement=OuterRef("pk"), institution__in=parties)
                )
            )
            .newest_first()
        )


class InstitutionQuerySet(ByReaderName, PublicUnlessCuratedQuerySet):
    def with_agreement_counts(self):
        """Each with ``agreement_count``, its published agreements: its partner pair with
        itself (``partner_pairs``), where counting its party rows sorted the institution
        list by agreements in 250 ms at 100,000 agreements."""
        from .search_index import InstitutionPair

        own = InstitutionPair.objects.filter(institution=OuterRef("pk"), partner=OuterRef("pk"))
        return self.annotate(agreement_count=Coalesce(Subquery(own.values("agreements")), Value(0)))

    def for_list(self):
        return self.with_agreement_counts().prefetch_related("names")

    def in_name_order(self):
        """The institution list of the API and the downloads."""
        return self.for_list().order_by("name", "pk")

    def agreement_counts(self, ids):
        """``{institution id: published agreements}`` for a page of institutions, one query
        (those with none are left out)."""
        from partnerships import partner_pairs

        return partner_pairs.agreement_counts(ids)


class PersonQuerySet(ByReaderName, PublicUnlessCuratedQuerySet):
    ENGLISH_ORDER = ("family_name", "given_name")

    def for_list(self, public_positions=False):
        """With each person's positions; ``public_positions`` keeps only those at public
        institutions (for readers)."""
        return self.annotate(
            agreement_count=Count(
                "participations__agreement",
                filter=Q(participations__agreement__status=PUBLISHED),
                distinct=True,
            )
        ).prefetch_related(Prefetch("positions", queryset=_positions(public_positions)))

    def in_name_order(self, public_positions=False):
        """The people list of the API and the downloads."""
        return self.for_list(public_positions).order_by("family_name", "given_name", "pk")

    def for_page(self, public_positions=False):
        """Like ``for_list()`` without the count, which would aggregate every person;
        count a page with :meth:`agreement_counts`."""
        return self.prefetch_related(Prefetch("positions", queryset=_positions(public_positions)))

    def agreement_counts(self, ids):
        """``{person id: published agreements taken part in}`` for a page of people."""
        from .agreements import Participation

        return dict(
            Participation.objects.filter(person__in=ids, agreement__status=PUBLISHED)
            .values("person")
            .annotate(count=Count("agreement", distinct=True))
            .values_list("person", "count")
        )


class FocusAreaQuerySet(ByReaderName, NaturalKeyQuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def listed(self):
        """The fields as :class:`ListedField` values, in this queryset's order."""
        return [
            ListedField(*row)
            for row in self.values_list("pk", "parent_id", "slug", "name", "name_zh_hans")
        ]

    def in_tree_order(self):
        """Each top-level field followed by its sub-fields, alphabetically by the name
        the reader sees (in Chinese by pinyin, as :meth:`ByReaderName.by_name`)."""
        if reads_chinese():
            parent_key = Coalesce(
                NullIf(F("parent__name_pinyin"), Value("")), Lower("parent__name")
            )
            own_key = Coalesce(NullIf(F("name_pinyin"), Value("")), Lower("name"))
            tree_key = Coalesce(parent_key, own_key)
        else:
            tree_key, own_key = Coalesce("parent__name", "name"), F("name")
        return (
            self.select_related("parent")
            .annotate(tree_name=tree_key)
            .order_by("tree_name", F("parent").asc(nulls_first=True), own_key, "pk")
        )

    def agreement_counts(self):
        """``{field id: published agreements}`` for every field, in two grouped queries.

        A top-level field counts an agreement in it or in any of its sub-fields once.
        On PostgreSQL, from the facet rows (``read_model``).
        """
        from partnerships import read_model

        if read_model.in_use():
            counts = read_model.published_counts("fields")
            # Keyed by top-level field: overrides the direct counts of top-level fields.
            counts.update(read_model.published_counts("top_fields"))
            return counts
        links = _agreement_focus_area().objects.filter(agreement__status=PUBLISHED)
        counts = dict(
            links.values("focus_area")
            .annotate(count=Count("agreement"))
            .values_list("focus_area", "count")
        )
        # Keyed by top-level field: overrides the direct counts of top-level fields.
        counts.update(
            links.annotate(top=Coalesce("focus_area__parent", "focus_area"))
            .values("top")
            .annotate(count=Count("agreement", distinct=True))
            .values_list("top", "count")
        )
        return counts
