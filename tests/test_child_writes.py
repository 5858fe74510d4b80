"""A change to a record's parts (an agreement's parties, an institution's other names…)
is a change of the record: its ``updated_at`` moves, whatever wrote the part, so that
``updated_since``, the feeds' <updated> and the sitemap's <lastmod> see it."""

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import serializers
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    AgreementSource,
    EstablishedBody,
    Institution,
    InstitutionName,
    InstitutionRelation,
    Participation,
    Person,
    PersonName,
    Position,
    Source,
    SourceCredit,
)
from tests.factories import (
    AgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
    PersonFactory,
    SourceFactory,
)

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


@dataclass
class Child:
    """How to make one kind of child row, what to change in it, and who owns it."""

    model: type
    make: Any  # callable() -> (unsaved row, [owners])
    change: dict


def _party():
    agreement = AgreementFactory()
    return AgreementParty(agreement=agreement, institution=InstitutionFactory()), [agreement]


def _field():
    agreement = AgreementFactory()
    row = AgreementFocusArea(agreement=agreement, focus_area=FocusAreaFactory())
    return row, [agreement]


def _source():
    agreement = AgreementFactory()
    return AgreementSource(agreement=agreement, source=SourceFactory()), [agreement]


def _body():
    agreement = AgreementFactory()
    row = EstablishedBody(agreement=agreement, name="Joint Institute", kind="institute")
    return row, [agreement]


def _participation():
    agreement, person = AgreementFactory(), PersonFactory()
    return Participation(agreement=agreement, person=person, role="attended"), [agreement, person]


def _institution_name():
    institution = InstitutionFactory()
    return InstitutionName(institution=institution, name="JI", name_type="acronym"), [institution]


def _relation():
    subject, object_ = InstitutionFactory(), InstitutionFactory()
    row = InstitutionRelation(subject=subject, object=object_, relation_type="part_of")
    return row, [subject, object_]


def _person_name():
    person = PersonFactory()
    return PersonName(person=person, name="FU Wei"), [person]


def _position():
    person = PersonFactory()
    return Position(person=person, institution=InstitutionFactory(), title="President"), [person]


def _credit():
    source = SourceFactory()
    return SourceCredit(source=source, name="Li Hua", role="author"), [source]


CHILDREN = {
    "agreement party": Child(AgreementParty, _party, {"order": 3}),
    "agreement field": Child(AgreementFocusArea, _field, {"quote": "It covers the field."}),
    "agreement source": Child(AgreementSource, _source, {}),
    "established body": Child(EstablishedBody, _body, {"description": "A joint institute."}),
    "participation": Child(Participation, _participation, {"role": "spoke"}),
    "institution other name": Child(InstitutionName, _institution_name, {"name": "JIT"}),
    "institution relation": Child(InstitutionRelation, _relation, {"relation_type": "related"}),
    "person other name": Child(PersonName, _person_name, {"name": "Wei FU"}),
    "position": Child(Position, _position, {"title": "Dean"}),
    "source credit": Child(SourceCredit, _credit, {"name": "Li Hua (ed.)"}),
}


def change_of(child):
    """What the update writes: the spec's change, or (an agreement's source) another source."""
    return child.change or {"source": SourceFactory()}


def set_long_ago(records):
    for record in records:
        type(record)._base_manager.filter(pk=record.pk).update(updated_at=LONG_AGO)


def last_changes(records):
    return [
        type(record)._base_manager.filter(pk=record.pk).values_list("updated_at", flat=True).get()
        for record in records
    ]


def assert_moved(owners, since):
    for owner, changed in zip(owners, last_changes(owners), strict=True):
        assert changed > since, f"{type(owner).__name__} {owner.pk} kept {changed}"


def _create(child, row):
    row.save()


def _save(child, row):
    row.save()
    set_long_ago_for_row(child, row)
    for name, value in change_of(child).items():
        setattr(row, name, value)
    row.save()


def _delete(child, row):
    row.save()
    set_long_ago_for_row(child, row)
    row.delete()


def _bulk_create(child, row):
    child.model.objects.bulk_create([row])


def _queryset_update(child, row):
    row.save()
    set_long_ago_for_row(child, row)
    child.model.objects.filter(pk=row.pk).update(**change_of(child))


def _queryset_delete(child, row):
    row.save()
    set_long_ago_for_row(child, row)
    child.model.objects.filter(pk=row.pk).delete()


WRITES = {
    "create": _create,
    "save": _save,
    "delete": _delete,
    "bulk_create": _bulk_create,
    "QuerySet.update": _queryset_update,
    "QuerySet.delete": _queryset_delete,
}

_OWNERS = "_test_owners"


def set_long_ago_for_row(child, row):
    set_long_ago(getattr(row, _OWNERS))


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("kind", CHILDREN)
def test_every_write_of_a_child_row_moves_its_owners_updated_at(db, kind, write):
    child = CHILDREN[kind]
    row, owners = child.make()
    setattr(row, _OWNERS, owners)
    set_long_ago(owners)

    WRITES[write](child, row)

    assert_moved(owners, LONG_AGO)


def test_the_write_path_names_an_owner_for_every_child_model():
    from partnerships import write_path

    assert set(write_path.OWNERS) == {child.model.__name__ for child in CHILDREN.values()}


def test_a_child_moved_to_another_owner_moves_both(db):
    old_person, new_person = PersonFactory(), PersonFactory()
    position = Position.objects.create(
        person=old_person, institution=InstitutionFactory(), title="President"
    )
    set_long_ago([old_person, new_person])

    position.person = new_person
    position.save()

    assert_moved([old_person, new_person], LONG_AGO)


def test_a_child_moved_by_update_moves_both_owners(db):
    first, second = AgreementFactory(), AgreementFactory()
    body = EstablishedBody.objects.create(agreement=first, name="Lab", kind="laboratory")
    set_long_ago([first, second])

    EstablishedBody.objects.filter(pk=body.pk).update(agreement=second)

    assert_moved([first, second], LONG_AGO)


def test_other_records_keep_their_times(db):
    agreement, bystander = AgreementFactory(), AgreementFactory()
    institution = InstitutionFactory()
    set_long_ago([agreement, bystander, institution])

    AgreementParty.objects.create(agreement=agreement, institution=institution)

    assert_moved([agreement], LONG_AGO)
    # The party's institution owns nothing of the link; another agreement is untouched.
    assert last_changes([bystander, institution]) == [LONG_AGO, LONG_AGO]


def owner_updates(queries, model):
    table = model._meta.db_table
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(f'UPDATE "{table}" SET "updated_at"')
    ]


def test_many_child_writes_in_one_transaction_move_owners_in_one_update_per_kind(db):
    agreements = AgreementFactory.create_batch(4)
    people = PersonFactory.create_batch(3)
    institution = InstitutionFactory()
    set_long_ago([*agreements, *people, institution])

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for agreement in agreements:
            AgreementParty.objects.create(agreement=agreement, institution=institution)
            EstablishedBody.objects.create(agreement=agreement, name="Centre", kind="centre")
        Participation.objects.bulk_create(
            [Participation(agreement=agreements[0], person=p, role="attended") for p in people]
        )
        InstitutionName.objects.create(institution=institution, name="IN", name_type="acronym")
        # Nothing moves before the commit.
        assert last_changes(agreements) == [LONG_AGO] * 4

    assert_moved([*agreements, *people, institution], LONG_AGO)
    assert len(owner_updates(queries, Agreement)) == 1
    assert len(owner_updates(queries, Person)) == 1
    assert len(owner_updates(queries, Institution)) == 1


def test_a_rolled_back_child_write_moves_nothing(db):
    agreement = AgreementFactory()
    set_long_ago([agreement])

    with pytest.raises(RuntimeError), transaction.atomic():
        EstablishedBody.objects.create(agreement=agreement, name="Centre", kind="centre")
        raise RuntimeError("the editor's save failed")

    assert last_changes([agreement]) == [LONG_AGO]


def test_a_fixture_row_keeps_its_owners_times_as_loaded(db):
    """A restore or fixture load (raw saves) says when records changed: it is kept."""
    institution = InstitutionFactory()
    name = InstitutionName.objects.create(institution=institution, name="X", name_type="acronym")
    dumped = serializers.serialize("json", [name])
    set_long_ago([institution])

    for row in serializers.deserialize("json", dumped):
        row.save()

    assert last_changes([institution]) == [LONG_AGO]


def test_an_owner_changed_by_update_gets_a_new_updated_at_unless_told_one(db):
    agreement, source = AgreementFactory(), SourceFactory()
    set_long_ago([agreement, source])

    Agreement.objects.filter(pk=agreement.pk).update(place="Great Hall")
    Source.objects.filter(pk=source.pk).update(updated_at=LONG_AGO, publisher="Daily")

    assert_moved([agreement], LONG_AGO)
    assert last_changes([source]) == [LONG_AGO]


def test_a_party_added_later_is_seen_by_updated_since_feeds_and_the_sitemap(client, db):
    agreement, institution = AgreementFactory(), InstitutionFactory()
    set_long_ago([agreement])
    since = "2021-01-01T00:00:00Z"
    assert client.get("/api/agreements/", {"updated_since": since}).json()["count"] == 0

    agreement.parties.add(institution)

    listed = client.get("/api/agreements/", {"updated_since": since}).json()["results"]
    assert [record["slug"] for record in listed] == [agreement.slug]
    updated_at = Agreement.objects.get(pk=agreement.pk).updated_at
    feed = client.get("/feeds/agreements/").content.decode()
    assert f"<updated>{updated_at.isoformat()}</updated>" in feed
    urlset = ET.fromstring(client.get("/sitemap-agreements.xml").content)
    lastmod = {
        url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod").text
        for url in urlset.findall(f"{SITEMAP}url")
    }
    assert lastmod[f"http://testserver{agreement.get_absolute_url()}"] == (
        updated_at.date().isoformat()
    )
