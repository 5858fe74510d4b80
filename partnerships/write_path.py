"""The one write path: derived data is rebuilt from here, whoever wrote the records.

Derived data is what the directory computes from its records rather than stores as
fact: each record's search text and vector, each agreement's facet row
(``read_model.py``), the agreements each pair of institutions co-signed
(``partner_pairs.py``), and the version token that keys every cache entry. Whatever
writes a record (the admin, the ORM, a management command, a fixture load,
``QuerySet.update()``, ``bulk_create()``, a restore) reports it here:

- model signals (``post_save``, ``post_delete``, ``m2m_changed``) report single writes;
- the shared base QuerySet (``models.common.DirectoryQuerySet``) reports ``update()``
  and ``bulk_create()``, which send no signals;
- writes that bypass the ORM altogether (the synthetic generator's COPY) call
  :func:`everything_changed`.

Reports are collected per transaction and, once it commits (``transaction.on_commit``),
the affected derived rows are rebuilt once, set-wise, the records that own a written
child row (an agreement's parties, an institution's other names…) get a new
``updated_at``, one UPDATE per kind of owner, and the cache version becomes a fresh
token. A rolled-back transaction rebuilds nothing.
"""

import contextlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

# Beyond this many records of one kind, rebuilding the whole table is cheaper than a
# long ``IN`` list (and stays under SQLite's limit on query parameters).
WHOLE_TABLE_THRESHOLD = 5_000

# Columns computed from other records: backups and dumps leave them out, and the rebuild
# after a restore or a load writes them again.
REBUILT_COLUMNS = ("search_document", "search_vector", "is_public")
# Columns that hold derived data: writing only these reports nothing.
DERIVED_FIELDS = frozenset({*REBUILT_COLUMNS, "name_zh_hans", "name_pinyin"})

ALL = "all"
PAIRS = "pairs"  # institutions whose partner pairs are recounted (no search document)


@dataclass
class Changes:
    """Records whose derived data must be rebuilt, by kind; ``ALL`` means every one."""

    ids: dict = field(default_factory=lambda: defaultdict(set))
    anything: bool = False
    # Ids of the records whose ``updated_at`` moves, by model name (see ``OWNERS``).
    owners: dict = field(default_factory=lambda: defaultdict(set))

    def add(self, kind, pk):
        self.anything = True
        if pk is not None and self.ids[kind] != ALL:
            self.ids[kind].add(pk)

    def add_all(self, kind):
        self.anything = True
        self.ids[kind] = ALL

    def of(self, kind):
        return self.ids.get(kind) or set()


# -- what a written row affects ---------------------------------------------------------
#
# For each model: the (kind, attribute) pairs whose search documents mention the row.
# "agreement" means the agreement's own document, "institution" an institution's, and
# so on; the rebuild then follows names into the documents that quote them (an
# institution's name appears in its agreements' documents and its people's).
AFFECTS = {
    "Agreement": [("agreement", "pk")],
    # Its institution's partner pairs are recounted (``PAIRS``).
    "AgreementParty": [("agreement", "agreement_id"), (PAIRS, "institution_id")],
    "AgreementFocusArea": [("agreement", "agreement_id")],
    "EstablishedBody": [("agreement", "agreement_id")],
    "Participation": [("agreement", "agreement_id")],
    "Institution": [("institution", "pk")],
    "InstitutionName": [("institution", "institution_id")],
    "Person": [("person", "pk")],
    "PersonName": [("person", "person_id")],
    "Position": [("person", "person_id"), ("institution_position", "institution_id")],
    "FocusArea": [("focus_area", "pk")],
}


# Fields of a record that other records' documents quote (an institution's name is in
# its agreements' documents). A write that leaves them alone, or creates the record
# (nothing quotes it yet), rebuilds the record's own document only: editing a hub's
# website must not rebuild its 3,000 agreements' search text.
QUOTED = {
    # Kind and places: the facet rows of its agreements group by them (``read_model``).
    "Institution": ("name", "kind", "country", "region", "city"),
    "Person": ("family_name", "given_name", "native_name"),
    # Its parent: the facet rows count an agreement under its fields' top-level fields.
    "FocusArea": ("name", "parent_id"),
}
OWN = "_own"  # suffix of a kind whose dependants need no rebuild


# -- whose last change a written row is -------------------------------------------------
#
# A child row is part of its owners' public records (their API detail, download row and
# dump): writing it changes them, so their ``updated_at`` moves, and ``updated_since``,
# the feeds' <updated> and the sitemap's <lastmod> see the change. A participation is in
# its agreement's record and in its person's; a relation in both institutions' records.
OWNERS = {
    "AgreementParty": [("Agreement", "agreement_id")],
    "AgreementFocusArea": [("Agreement", "agreement_id")],
    "AgreementSource": [("Agreement", "agreement_id")],
    "EstablishedBody": [("Agreement", "agreement_id")],
    "Participation": [("Agreement", "agreement_id"), ("Person", "person_id")],
    "InstitutionName": [("Institution", "institution_id")],
    "InstitutionRelation": [("Institution", "subject_id"), ("Institution", "object_id")],
    "PersonName": [("Person", "person_id")],
    "Position": [("Person", "person_id")],
    "SourceCredit": [("Source", "source_id")],
}


def quotes_changed(model, fields):
    """Whether writing ``fields`` (names, or ``None`` for unknown) changes what others quote."""
    quoted = QUOTED.get(model.__name__)
    if quoted is None or fields is None:
        return True
    # ``update(parent=…)`` names the field, QUOTED its column (``parent_id``).
    columns = {_column(model, name) for name in fields}
    return bool(set(quoted) & columns)


def _column(model, name):
    try:
        return model._meta.get_field(name).attname
    except FieldDoesNotExist:  # Not a field: compared by name.
        return name


def attributes(model):
    """The row attributes that decide which documents a row of ``model`` appears in."""
    return [attribute for _, attribute in AFFECTS.get(model.__name__, [])]


def foreign_key_attributes(model):
    """The keys of a row that name other records: those whose documents quote it, and
    its owners."""
    found = [attribute for attribute in attributes(model) if attribute != "pk"]
    owners = [attribute for _, attribute in OWNERS.get(model.__name__, [])]
    return found + [attribute for attribute in owners if attribute not in found]


def _is_reported(model):
    return model._meta.app_label == "partnerships" and not getattr(model, "DERIVED_DATA", False)


def _record_row(changes, model, row, own_only=False, touch=True, documents=True):
    """``row`` maps attribute names to values (an instance's, or a ``values()`` dict).

    ``touch``: the row's owners get a new ``updated_at``; ``documents``: the search
    documents that quote it are rebuilt.
    """

    def value(attribute):
        return row.get(attribute) if isinstance(row, dict) else _value(row, attribute)

    if documents:
        for kind, attribute in AFFECTS.get(model.__name__, []):
            if own_only and attribute == "pk" and model.__name__ in QUOTED:
                kind += OWN
            changes.add(kind, value(attribute))
    if touch:
        for owner, attribute in OWNERS.get(model.__name__, []):
            owner_id = value(attribute)
            if owner_id is not None:
                changes.owners[owner].add(owner_id)
    changes.anything = True


def _value(instance, attribute):
    return instance.pk if attribute == "pk" else getattr(instance, attribute, None)


# -- collecting per transaction ---------------------------------------------------------


class _Pending:
    """The changes of one transaction, flushed once after it commits."""

    def __init__(self, using):
        self.using = using
        self.changes = Changes()

    def flush(self):
        rebuild(self.changes, using=self.using)


def _report(using, record):
    """Apply ``record(changes)`` to the current transaction's collector, registered with
    ``on_commit`` on first use; in autocommit, ``on_commit`` rebuilds at once.

    A collector whose callback was discarded (its savepoint rolled back) is replaced.
    """
    if getattr(_rebuilding, "active", False):
        return
    connection = connections[using]
    pending = getattr(connection, "_directory_pending", None)
    registered = (
        connection.in_atomic_block
        and pending is not None
        and any(callback == pending.flush for _, callback, _ in connection.run_on_commit)
    )
    if registered:
        record(pending.changes)
        return
    pending = _Pending(using)
    record(pending.changes)
    connection._directory_pending = pending
    # Robust: the write itself has committed; a failed rebuild is logged, not raised
    # at the editor.
    transaction.on_commit(pending.flush, using=using, robust=True)


def report_instance(instance, using, previous=None, own_only=False, touch=True):
    """A saved or deleted instance; ``previous`` holds its foreign keys and quoted fields
    before the save (``None`` when it was created). ``touch=False`` (a fixture row, saved
    as it was) leaves its owners' ``updated_at`` as loaded."""
    model = type(instance)
    if not _is_reported(model):
        return
    if previous is not None and model.__name__ in QUOTED:
        changed = [f for f in QUOTED[model.__name__] if previous.get(f) != getattr(instance, f)]
        own_only = own_only or not changed

    def record(changes):
        _record_row(changes, model, instance, own_only, touch)
        if previous:
            # A row moved to another owner changes the one it left too.
            _record_row(changes, model, previous, own_only, touch)

    _report(using, record)


def report_rows(model, rows, using, own_only=False):
    """Rows written by ``update()`` or ``bulk_create()``: dicts or instances."""
    if not _is_reported(model):
        return

    def record(changes):
        for row in rows:
            _record_row(changes, model, row, own_only)

    _report(using, record)


def report_model(model, using, rows=()):
    """Some rows of ``model`` changed, too many or unknown ones: rebuild all their
    documents. ``rows`` (dicts or instances) are those known, whose owners are touched."""
    if not _is_reported(model):
        return

    def record(changes):
        for kind, _ in AFFECTS.get(model.__name__, []):
            changes.add_all(kind)
        for row in rows:
            _record_row(changes, model, row, documents=False)
        changes.anything = True

    _report(using, record)


def _everything(changes):
    for kind in ("agreement", "institution", "person", "focus_area"):
        changes.add_all(kind)


def everything_changed(using="default"):
    """For writes that bypass the ORM (COPY, raw SQL): rebuild every derived row once the
    transaction commits."""
    _report(using, _everything)


def rebuild_everything(using="default"):
    """Rebuild every derived row now, inside the current transaction (bulk loaders that
    tune the session for it); what this transaction reported so far is covered. Owners'
    ``updated_at`` stay as written: a bulk loader writes the times it means."""
    connection = connections[using]
    pending = getattr(connection, "_directory_pending", None)
    if pending is not None:
        pending.changes = Changes()
    changes = Changes()
    _everything(changes)
    rebuild(changes, using=using)


def previous_values(instance):
    """Before an existing row is saved: the foreign keys whose documents it appears in,
    so that moving a row (a position to another person) also refreshes the old owner."""
    model = type(instance)
    looked_up = [*foreign_key_attributes(model), *QUOTED.get(model.__name__, ())]
    if not looked_up or instance.pk is None or not _is_reported(model):
        return None
    return model._base_manager.filter(pk=instance.pk).values(*looked_up).first()


# -- rebuilding -------------------------------------------------------------------------


# Writes made by the rebuild itself report nothing (per thread: workers may use threads).
_rebuilding = threading.local()


@contextlib.contextmanager
def with_derived_data():
    """Writes inside bring their derived data with them (rows copied back as they were,
    derived tables included), so they report nothing and nothing is rebuilt. The caller
    renews the cache version if the copy changes what readers see."""
    previous = getattr(_rebuilding, "active", False)
    _rebuilding.active = True
    try:
        yield
    finally:
        _rebuilding.active = previous


def rebuild(changes, using="default"):
    """Rebuild the derived data that ``changes`` affect, then retire every cache entry."""
    if not changes.anything:
        return
    from . import partner_pairs, read_model, search_documents
    from .models import DirectoryVersion
    from .models.querysets import refresh_public_flags

    _rebuilding.active = True
    try:
        with transaction.atomic(using=using):
            affected = affected_records(changes)
            search_documents.refresh(affected)
            refresh_public_flags()
            read_model.refresh(affected.agreements)
            partner_pairs.refresh(pair_institutions(changes))
            touch_owners(changes, using)
            DirectoryVersion.renew()
    finally:
        _rebuilding.active = False


def touch_owners(changes, using="default"):
    """Give the owners of written child rows a new ``updated_at``: one UPDATE per kind
    of owner (in slices of ``WHOLE_TABLE_THRESHOLD`` ids beyond that many)."""
    now = timezone.now()
    for name, ids in changes.owners.items():
        if not ids:
            continue
        # The base manager reports nothing: this write is the write path's own.
        owners = apps.get_model("partnerships", name)._base_manager.using(using)
        ids = sorted(ids)
        for start in range(0, len(ids), WHOLE_TABLE_THRESHOLD):
            owners.filter(pk__in=ids[start : start + WHOLE_TABLE_THRESHOLD]).update(updated_at=now)


def pair_institutions(changes):
    """The institutions whose partner pairs ``changes`` may change (``None``: every
    one's): those of a written party row (added, moved or removed) and those party to a
    written agreement (published or withdrawn). Renaming an institution rebuilds its
    agreements' documents but leaves its pairs alone."""
    from . import partner_pairs

    agreements, parties = changes.of("agreement"), changes.of(PAIRS)
    if ALL in (agreements, parties) or len(agreements) > WHOLE_TABLE_THRESHOLD:
        return None
    found = set(parties) | partner_pairs.institutions_of(sorted(agreements))
    return None if len(found) > WHOLE_TABLE_THRESHOLD else found


@dataclass
class Affected:
    """Querysets of the records whose search documents must be rebuilt (``None``: none)."""

    agreements: object = None
    institutions: object = None
    people: object = None
    focus_areas: object = None


def affected_records(changes):
    """The records whose documents quote what changed, following names between tables."""
    from .models import Agreement, FocusArea, Institution, Person

    def scope(kind):
        ids = changes.of(kind)
        if ids == ALL or len(ids) > WHOLE_TABLE_THRESHOLD:
            return ALL
        return ids or None

    institutions, own_institutions = scope("institution"), scope("institution" + OWN)
    people, own_people = scope("person"), scope("person" + OWN)
    focus_areas, own_focus_areas = scope("focus_area"), scope("focus_area" + OWN)
    agreements = scope("agreement")
    positions_at = scope("institution_position")

    # An institution's names appear in its agreements' documents and in the documents
    # of the people who hold positions there; a person's name in the documents of the
    # agreements they took part in; a field's name in its sub-fields' and agreements'.
    # (A record whose own document alone changed is rebuilt by itself.)
    agreement_conditions = [
        Q(pk__in=agreements) if agreements else None,
        Q(party_links__institution__in=institutions) if institutions else None,
        Q(participations__person__in=people) if people else None,
        Q(focus_links__focus_area__in=focus_areas) if focus_areas else None,
    ]
    people_conditions = [
        Q(pk__in=people) if people else None,
        Q(pk__in=own_people) if own_people else None,
        Q(positions__institution__in=institutions) if institutions else None,
        Q(positions__institution__in=positions_at) if positions_at else None,
    ]
    institution_conditions = [
        Q(pk__in=ids) if ids else None for ids in (institutions, own_institutions)
    ]
    focus_area_conditions = [
        Q(pk__in=focus_areas) if focus_areas else None,
        Q(parent__in=focus_areas) if focus_areas else None,
        Q(pk__in=own_focus_areas) if own_focus_areas else None,
    ]
    return Affected(
        agreements=_records(
            Agreement, (agreements, institutions, people, focus_areas), agreement_conditions
        ),
        institutions=_records(
            Institution, (institutions, own_institutions), institution_conditions
        ),
        people=_records(
            Person, (people, own_people, institutions, positions_at), people_conditions
        ),
        focus_areas=_records(FocusArea, (focus_areas, own_focus_areas), focus_area_conditions),
    )


def _records(model, scopes, conditions):
    """All of ``model`` when any scope is ``ALL``; else the rows meeting any condition."""
    if ALL in scopes:
        return model.objects.all()
    conditions = [condition for condition in conditions if condition is not None]
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    # Conditions across link tables repeat rows: select distinct ids first.
    return model.objects.filter(pk__in=model.objects.filter(condition).values("pk"))
