"""Whoever writes a record, search finds it and pages show it once the write commits."""

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from partnerships.models import (
    Agreement,
    AgreementParty,
    DirectoryVersion,
    FocusArea,
    Institution,
    InstitutionName,
    Person,
    Position,
)
from tests.factories import (
    AgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
    ParticipationFactory,
    PersonFactory,
)
from tests.test_backup import empty_the_directory

LIST_URL = reverse("agreement-list")
SEARCH_URL = reverse("search")


def found(client, url, query):
    """Titles or names a reader finds on ``url`` searching ``query``. A page served from
    the cache has no context: each call must follow a write, or differ from the last."""
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return [str(record) for record in response.context["object_list"]]


def institutions_found(client, query):
    return found(client, reverse("institution-list"), query)


def agreements_found(client, query):
    return found(client, LIST_URL, query)


# -- every write path ---------------------------------------------------------------


def test_an_institution_created_through_the_orm_is_found_at_once(client, db):
    assert institutions_found(client, "Quarrington") == []  # and that answer is cached

    Institution.objects.create(slug="qi", name="Quarrington Institute", kind="hospital")

    assert institutions_found(client, "Quarrington") == ["Quarrington Institute"]


def test_an_institution_renamed_by_update_is_found_by_its_new_name(client, db):
    institution = InstitutionFactory(name="Old Name Hospital")
    AgreementFactory(title="Old cooperation", parties=[institution])
    assert institutions_found(client, "Wexley") == []

    Institution.objects.filter(pk=institution.pk).update(name="Wexley Hospital")

    assert institutions_found(client, "Wexley") == ["Wexley Hospital"]
    # Its name is searched with its agreements too.
    assert agreements_found(client, "Wexley") == ["Old cooperation"]
    assert institutions_found(client, "Old Name") == []


def test_institutions_made_by_bulk_create_are_found(client, db):
    Institution.objects.bulk_create(
        [
            Institution(slug="bulk-a", name="Ardent Medical College", kind="university"),
            Institution(slug="bulk-b", name="Brisk Medical College", kind="university"),
        ]
    )
    assert sorted(institutions_found(client, "Medical College")) == [
        "Ardent Medical College",
        "Brisk Medical College",
    ]


def test_an_acronym_added_through_the_orm_finds_the_institution_and_its_agreements(client, db):
    institution = InstitutionFactory(name="Peking Union Medical College Hospital")
    AgreementFactory(title="A cooperation", parties=[institution])
    assert institutions_found(client, "PUMCH") == []

    InstitutionName.objects.create(institution=institution, name="PUMCH", name_type="acronym")

    assert institutions_found(client, "PUMCH") == ["Peking Union Medical College Hospital"]
    assert agreements_found(client, "PUMCH") == ["A cooperation"]


def test_a_party_added_by_bulk_create_makes_the_agreement_findable_by_its_name(client, db):
    agreement = AgreementFactory(title="Joint laboratory")
    partner = InstitutionFactory(name="Yarrow University")
    assert agreements_found(client, "Yarrow") == []

    AgreementParty.objects.bulk_create([AgreementParty(agreement=agreement, institution=partner)])

    assert agreements_found(client, "Yarrow") == ["Joint laboratory"]


def test_a_party_added_through_the_many_to_many_manager_is_searchable(client, db):
    agreement = AgreementFactory(title="Joint laboratory")
    partner = InstitutionFactory(name="Zennor University")

    agreement.parties.add(partner)

    assert agreements_found(client, "Zennor") == ["Joint laboratory"]


def test_a_field_renamed_by_update_is_searched_with_its_agreements(client, db):
    field = FocusAreaFactory(name="Imaging")
    AgreementFactory(title="A cooperation", fields=[field])

    FocusArea.objects.filter(pk=field.pk).update(name="Radiomics")

    assert agreements_found(client, "Radiomics") == ["A cooperation"]


def test_a_participant_is_found_on_the_agreement_list_by_name(client, db):
    """Readers search the agreement list for a person to find what they took part in."""
    agreement = AgreementFactory(title="A cooperation")
    AgreementFactory(title="Another cooperation")
    ParticipationFactory(agreement=agreement, person=PersonFactory(family_name="Quennell"))

    assert agreements_found(client, "Quennell") == ["A cooperation"]

    Person.objects.filter(family_name="Quennell").update(family_name="Rathbone")
    assert agreements_found(client, "Rathbone") == ["A cooperation"]


def test_moving_a_position_to_another_person_refreshes_both_people(client, db):
    first, second = PersonFactory(family_name="Ashdown"), PersonFactory(family_name="Brierley")
    hospital = InstitutionFactory(name="Cheswick Hospital")
    position = Position.objects.create(person=first, institution=hospital, title="President")
    people_url = reverse("person-list")
    assert found(client, people_url, "Cheswick") == [str(first)]

    position.person = second
    position.save()

    assert found(client, people_url, "Cheswick") == [str(second)]


def test_a_deleted_acronym_no_longer_finds_the_institution(client, db):
    name = InstitutionName.objects.create(
        institution=InstitutionFactory(name="Dunmore Hospital"), name="DMH", name_type="acronym"
    )
    assert institutions_found(client, "DMH") == ["Dunmore Hospital"]

    name.delete()

    assert institutions_found(client, "DMH") == []


def test_an_agreement_published_by_update_shows_on_cached_pages(client, db):
    draft = AgreementFactory(title="Quiet cooperation", status="draft", published_at=None)
    home = client.get("/")
    assert home.context["counts"]["agreements"] == 0
    client.get(LIST_URL)  # now cached without it

    Agreement.objects.filter(pk=draft.pk).update(status="published", published_at=draft.created_at)

    assert client.get("/").context["counts"]["agreements"] == 1
    assert "Quiet cooperation" in client.get(LIST_URL).content.decode()


def test_the_curated_loader_makes_every_record_searchable(client, db):
    call_command("load_initial_data", verbosity=0)

    assert institutions_found(client, "PUMCH") == ["Peking Union Medical College Hospital"]
    assert "BUAA" in Institution.objects.get(slug="beihang").search_document


def test_a_restored_backup_is_searchable_and_renews_the_version(client, db, tmp_path):
    call_command("load_initial_data", verbosity=0)
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)
    records = json.loads(backup.read_text())
    assert not any("search_document" in record["fields"] for record in records)
    empty_the_directory()
    before = DirectoryVersion.current()

    call_command("restore_directory", str(backup), verbosity=0)

    assert DirectoryVersion.current() != before
    assert institutions_found(client, "PUMCH") == ["Peking Union Medical College Hospital"]


# -- after the commit, and only then --------------------------------------------------


def test_a_rolled_back_write_changes_nothing(client, db):
    before = DirectoryVersion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Institution.objects.create(slug="ghost", name="Ghost Hospital", kind="hospital")
        raise RuntimeError("the editor's save failed")
    assert DirectoryVersion.current() == before
    assert institutions_found(client, "Ghost") == []


def test_many_writes_in_one_transaction_rebuild_once(db, django_assert_max_num_queries):
    institutions = InstitutionFactory.create_batch(3)
    before = DirectoryVersion.current()
    with transaction.atomic():
        for number, institution in enumerate(institutions):
            institution.name = f"Renamed {number}"
            institution.save()
        # Nothing is rebuilt before the commit.
        assert DirectoryVersion.current() == before
        assert not Institution.objects.filter(search_document__contains="Renamed").exists()
    assert DirectoryVersion.current() != before
    assert Institution.objects.filter(search_document__contains="Renamed").count() == 3


def test_writes_inside_a_rolled_back_savepoint_are_not_rebuilt_but_the_rest_is(db):
    kept = InstitutionFactory(name="Kept")
    with transaction.atomic():
        Institution.objects.filter(pk=kept.pk).update(name="Kept Renamed")
        try:
            with transaction.atomic():
                Institution.objects.create(slug="lost", name="Lost Hospital", kind="hospital")
                raise RuntimeError
        except RuntimeError:
            pass
    assert "Kept Renamed" in Institution.objects.get(pk=kept.pk).search_document
    assert not Institution.objects.filter(slug="lost").exists()


def test_the_version_is_a_fresh_token_not_a_counter(db):
    tokens = {DirectoryVersion.current()}
    for _ in range(3):
        InstitutionFactory()
        tokens.add(DirectoryVersion.current())
    assert len(tokens) == 4
    assert all(len(token) >= 16 for token in tokens - {"empty"})


def test_the_home_page_lists_newly_published_agreements_first_even_undated(client, db):
    from datetime import timedelta

    from django.utils import timezone

    AgreementFactory(title="Older news", published_at=timezone.now() - timedelta(days=2))
    undated = AgreementFactory(
        title="Fresh news, date not stated", signed_on=None, signed_on_precision="unknown"
    )
    latest = [agreement.title for agreement in client.get("/").context["latest"]]
    assert latest == [undated.title, "Older news"]


# -- only what quotes a change is rebuilt -------------------------------------------


def agreement_document_updates(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "partnerships_agreement"') and "search_document" in q["sql"]
    ]


def test_editing_what_no_other_document_quotes_rebuilds_only_the_own_document(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hub = InstitutionFactory(name="Hub Hospital")
    AgreementFactory.create_batch(3, parties=[hub])

    with CaptureQueriesContext(connection) as queries:
        hub.description = "A large teaching hospital."
        hub.save()
    assert agreement_document_updates(queries) == []

    with CaptureQueriesContext(connection) as queries:
        Institution.objects.filter(pk=hub.pk).update(website="https://hub.example.org")
    assert agreement_document_updates(queries) == []

    with CaptureQueriesContext(connection) as queries:
        hub.name = "Hub University Hospital"
        hub.save()
    assert len(agreement_document_updates(queries)) == 1
    assert agreements_found_in_db("Hub University") == 3


def agreements_found_in_db(words):
    return Agreement.objects.filter(search_document__contains=words).count()
