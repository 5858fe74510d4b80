"""The admin editors curate in: pages render, search finds, rules are explained."""

import pytest
from django.contrib import admin as django_admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from partnerships import models
from tests import factories
from tests.admin_factories import agreement_change_form, agreement_form, inline_formset

# ROOT_URLCONF for the tests of "View on site": the admin and an agreement page, nothing else.
urlpatterns = [
    path("admin/", django_admin.site.urls),
    path("agreements/<slug:slug>/", lambda request, slug: None, name="agreement-detail"),
]

EVERY_MODEL = [
    models.Institution,
    models.InstitutionName,
    models.InstitutionRelation,
    models.Person,
    models.PersonName,
    models.Position,
    models.Agreement,
    models.AgreementParty,
    models.Participation,
    models.AgreementFocusArea,
    models.AgreementSource,
    models.EstablishedBody,
    models.FocusArea,
    models.Source,
    models.SourceCredit,
]


def admin_url(model, view, *args):
    return reverse(f"admin:partnerships_{model._meta.model_name}_{view}", args=args)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def directory(db):
    """One record of every model, linked as the curated data links them."""
    source = factories.SourceFactory(slug="beihang-news-2023", title="Beihang and PUMC sign")
    models.SourceCredit.objects.create(source=source, name="Li Ming", role="author")
    medicine = factories.FocusAreaFactory(slug="medical-education", name="Medical education")
    factories.FocusAreaFactory(
        slug="talent-cultivation", name="Talent cultivation", parent=medicine
    )
    beihang = factories.InstitutionFactory(slug="beihang", name="Beihang University")
    pumch = factories.InstitutionFactory(
        slug="pumch",
        name="Peking Union Medical College Hospital",
        kind=models.InstitutionKind.HOSPITAL,
    )
    factories.InstitutionNameFactory(institution=pumch, name="PUMCH")
    models.InstitutionRelation.objects.create(
        subject=pumch, relation_type="related", object=beihang
    )
    person = factories.PersonFactory(slug="wang-chen", family_name="Wang", given_name="Chen")
    models.PersonName.objects.create(person=person, name="WANG Chen")
    position = factories.PositionFactory(person=person, institution=pumch, title="President")
    agreement = factories.AgreementFactory(
        slug="beihang-pumch-2023",
        title="Medicine–engineering cooperation agreement",
        parties=[beihang, pumch],
        fields=[medicine],
    )
    factories.ParticipationFactory(
        agreement=agreement,
        person=person,
        role=models.ParticipationRole.SIGNED,
        on_behalf_of=pumch,
        position=position,
    )
    factories.cite(agreement, source)
    agreement.refresh_from_db()
    models.EstablishedBody.objects.create(
        agreement=agreement, name="Union Medical class", kind=models.EstablishedBodyKind.CLASS
    )
    return {"agreement": agreement, "beihang": beihang, "pumch": pumch, "person": person}


# Pages render


def test_the_admin_is_titled_for_editors(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert "Partnership Directory — editors" in response.text


def test_only_the_directory_and_accounts_are_registered():
    registered = {model._meta.label for model in django_admin.site._registry}

    accounts = {"auth.User", "auth.Group"}
    # django-axes: sign-in attempts and logins, where an administrator unlocks an account.
    sign_ins = {"axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}
    assert registered == {model._meta.label for model in EVERY_MODEL} | accounts | sign_ins


@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda model: model.__name__)
def test_the_changelist_of_each_model_renders(admin_client, directory, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count()


@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda model: model.__name__)
def test_the_add_page_of_each_model_renders(admin_client, db, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda model: model.__name__)
def test_the_change_page_of_each_model_renders(admin_client, directory, model):
    record = model.objects.first()

    response = admin_client.get(admin_url(model, "change", record.pk))

    assert response.status_code == 200


def test_a_change_page_renders_without_a_link_when_the_public_page_does_not_exist(
    admin_client, directory, settings
):
    settings.ROOT_URLCONF = __name__
    source = models.Source.objects.get()  # No "source-detail" in this URLconf.

    response = admin_client.get(admin_url(models.Source, "change", source.pk))

    assert response.status_code == 200
    assert "View on site" not in response.text


def test_a_change_page_links_to_the_public_page_when_it_exists(admin_client, directory, settings):
    settings.ROOT_URLCONF = __name__
    agreement = directory["agreement"]

    response = admin_client.get(admin_url(models.Agreement, "change", agreement.pk))

    assert f'href="/agreements/{agreement.slug}/"' in response.text


def test_the_agreement_change_page_shows_the_rules_for_partial_dates(admin_client, directory):
    response = admin_client.get(admin_url(models.Agreement, "change", directory["agreement"].pk))

    assert "enter the first day of that month" in response.text


def test_audit_fields_are_shown_but_not_editable(admin_client, directory):
    response = admin_client.get(admin_url(models.Agreement, "change", directory["agreement"].pk))

    form_fields = response.context["adminform"].form.fields
    assert not {"created_at", "updated_at", "published_at"} & set(form_fields)
    assert "Published at" in response.text


def test_the_add_page_shows_no_audit_times_for_a_record_not_yet_created(admin_client, db):
    response = admin_client.get(admin_url(models.Agreement, "add"))

    assert "Created at" not in response.text


# Search


def test_searching_an_acronym_finds_the_institution(admin_client, directory):
    response = admin_client.get(admin_url(models.Institution, "changelist"), {"q": "PUMCH"})

    assert list(response.context["cl"].result_list) == [directory["pumch"]]


def test_searching_an_acronym_finds_the_agreements_of_that_institution(admin_client, directory):
    factories.AgreementFactory(title="Unrelated agreement", parties=[directory["beihang"]])

    response = admin_client.get(admin_url(models.Agreement, "changelist"), {"q": "PUMCH"})

    assert list(response.context["cl"].result_list) == [directory["agreement"]]


def test_searching_family_and_given_name_finds_the_person(admin_client, directory):
    factories.PersonFactory(family_name="Wang", given_name="Li")

    response = admin_client.get(admin_url(models.Person, "changelist"), {"q": "Wang Chen"})

    assert list(response.context["cl"].result_list) == [directory["person"]]


def test_searching_a_native_name_finds_the_person(admin_client, directory):
    person = factories.PersonFactory(family_name="Wu", given_name="Guilong", native_name="吴桂龙")

    response = admin_client.get(admin_url(models.Person, "changelist"), {"q": "吴桂龙"})

    assert list(response.context["cl"].result_list) == [person]


def test_choosing_a_parent_field_offers_only_top_level_fields(admin_client, directory):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "partnerships", "model_name": "focusarea", "field_name": "parent"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Medical education"]


# Adding an agreement with its inlines


def test_publishing_an_agreement_with_one_party_is_refused_and_nothing_is_saved(admin_client, db):
    institution = factories.InstitutionFactory()

    response = admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(status="published", parties=[institution]),
    )

    assert response.status_code == 200
    assert "needs at least 2 parties before it can be published; it has 1" in response.text
    assert not models.Agreement.objects.exists()
    assert not models.AgreementParty.objects.exists()


def test_a_draft_agreement_with_one_party_is_saved(admin_client, db):
    institution = factories.InstitutionFactory()

    admin_client.post(admin_url(models.Agreement, "add"), agreement_form(parties=[institution]))

    agreement = models.Agreement.objects.get()
    assert agreement.published_at is None
    assert list(agreement.parties.all()) == [institution]


def test_publishing_an_agreement_with_two_parties_saves_it_with_its_publication_time(
    admin_client, db
):
    first, second = factories.InstitutionFactory(), factories.InstitutionFactory()

    response = admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(
            status="published",
            parties=[first, second],
            sources=[factories.SourceFactory()],
            party_quote=factories.CITED_SENTENCE,
            signed_on_quote=factories.CITED_SENTENCE,
        ),
    )

    assert response.status_code == 302
    agreement = models.Agreement.objects.get()
    assert agreement.is_published
    assert agreement.published_at is not None
    assert set(agreement.parties.all()) == {first, second}


def test_removing_a_party_from_a_published_agreement_is_refused(admin_client, directory):
    agreement = directory["agreement"]

    response = admin_client.post(
        admin_url(models.Agreement, "change", agreement.pk),
        agreement_change_form(agreement, delete_parties=[directory["pumch"]]),
    )

    assert "it has 1" in response.text
    assert agreement.party_links.count() == 2


def test_an_unchanged_agreement_saves_with_its_publication_time_kept(admin_client, directory):
    agreement = directory["agreement"]
    published_at = agreement.published_at

    response = admin_client.post(
        admin_url(models.Agreement, "change", agreement.pk), agreement_change_form(agreement)
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.published_at == published_at


def test_returning_an_agreement_to_draft_in_its_form_clears_its_publication_time(
    admin_client, directory
):
    agreement = directory["agreement"]

    response = admin_client.post(
        admin_url(models.Agreement, "change", agreement.pk),
        agreement_change_form(agreement, status="draft"),
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.published_at) == ("draft", None)


def test_a_day_given_with_month_precision_is_refused_with_an_explanation(admin_client, db):
    response = admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(signed_on="2023-12-25", signed_on_precision="month"),
    )

    assert "Only the month is known: store it as the first day of that month." in response.text
    assert not models.Agreement.objects.exists()


def test_a_date_without_a_stated_precision_is_refused_with_an_explanation(admin_client, db):
    response = admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(signed_on="2023-12-25", signed_on_precision="unknown"),
    )

    assert "Say whether the source gives the day, the month or only the year." in response.text
    assert not models.Agreement.objects.exists()


def test_a_year_stored_as_first_of_january_is_accepted(admin_client, db):
    admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(signed_on="2024-01-01", signed_on_precision="year"),
    )

    assert models.Agreement.objects.get().signed_on_display == "2024"


def test_a_person_cannot_hold_the_same_role_twice_on_an_agreement(admin_client, db):
    person = factories.PersonFactory()
    attended = {"person": person.pk, "role": "attended"}

    response = admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(participations=[attended, attended]),
    )

    assert "This person already has this role on this agreement." in response.text
    assert not models.Agreement.objects.exists()


def test_a_person_may_hold_two_different_roles_on_an_agreement(admin_client, db):
    person = factories.PersonFactory()

    admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(
            participations=[
                {"person": person.pk, "role": "spoke"},
                {"person": person.pk, "role": "attended"},
            ]
        ),
    )

    assert models.Participation.objects.count() == 2


def test_only_a_signatory_is_recorded_as_acting_on_behalf_of_a_party(admin_client, db):
    person, institution = factories.PersonFactory(), factories.InstitutionFactory()

    response = admin_client.post(
        admin_url(models.Agreement, "add"),
        agreement_form(
            participations=[
                {"person": person.pk, "role": "witnessed", "on_behalf_of": institution.pk}
            ]
        ),
    )

    assert "Only a signatory signs on behalf of a party." in response.text
    assert not models.Agreement.objects.exists()


# Other rules, through their own pages


def test_a_position_ending_before_it_starts_is_refused(admin_client, db):
    person, institution = factories.PersonFactory(), factories.InstitutionFactory()

    response = admin_client.post(
        admin_url(models.Position, "add"),
        {
            "person": person.pk,
            "institution": institution.pk,
            "title": "President",
            "as_of": "",
            "as_of_precision": "unknown",
            "start_date": "2020-01-01",
            "end_date": "2019-12-31",
            "quote": "",
        },
    )

    assert "A position cannot end before it starts." in response.text
    assert not models.Position.objects.exists()


def test_a_fields_parent_must_be_a_top_level_field(admin_client, directory):
    sub_field = models.FocusArea.objects.get(slug="talent-cultivation")

    response = admin_client.post(
        admin_url(models.FocusArea, "add"),
        {"name": "Medical AI", "slug": "medical-ai", "parent": sub_field.pk, "description": ""},
    )

    assert "Choose a top-level field: fields form two levels only." in response.text
    assert not models.FocusArea.objects.filter(slug="medical-ai").exists()


def test_an_institution_cannot_be_linked_to_itself(admin_client, directory):
    pumch = directory["pumch"]

    response = admin_client.post(
        admin_url(models.InstitutionRelation, "add"),
        {"subject": pumch.pk, "relation_type": "part_of", "object": pumch.pk, "quote": ""},
    )

    assert "An institution cannot be linked to itself." in response.text


# Publishing actions


def run_action(client, action, agreements):
    return client.post(
        admin_url(models.Agreement, "changelist"),
        {"action": action, "_selected_action": [agreement.pk for agreement in agreements]},
        follow=True,
    )


def test_the_publish_action_publishes_drafts_with_two_parties(admin_client, db):
    draft = factories.cite(
        factories.DraftAgreementFactory(
            title="Draft", parties=factories.InstitutionFactory.create_batch(2)
        )
    )

    response = run_action(admin_client, "publish", [draft])

    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None
    assert messages_of(response) == ["Published 1 agreement: “Draft”."]


def test_the_publish_action_refuses_a_draft_with_one_party_and_says_why(admin_client, db):
    draft = factories.cite(
        factories.DraftAgreementFactory(title="Lonely", parties=[factories.InstitutionFactory()])
    )

    response = run_action(admin_client, "publish", [draft])

    draft.refresh_from_db()
    assert not draft.is_published
    assert messages_of(response) == [
        "“Lonely” was not published: An agreement needs at least 2 parties before it can be "
        "published; it has 1. Add the parties or keep it as a draft."
    ]


def test_the_publish_action_leaves_published_agreements_as_they_were(admin_client, directory):
    agreement = directory["agreement"]
    published_at = agreement.published_at

    response = run_action(admin_client, "publish", [agreement])

    agreement.refresh_from_db()
    assert agreement.published_at == published_at
    assert messages_of(response) == [f"Already published, left as they were: “{agreement}”."]


def test_the_return_to_draft_action_unpublishes_and_clears_the_publication_time(
    admin_client, directory
):
    agreement = directory["agreement"]

    response = run_action(admin_client, "return_to_draft", [agreement])

    agreement.refresh_from_db()
    assert (agreement.status, agreement.published_at) == ("draft", None)
    assert messages_of(response)[0].startswith("Returned 1 agreement to draft")


# Search documents follow edits


def test_adding_an_acronym_to_an_institution_refreshes_its_search_documents(
    admin_client, directory
):
    beihang = directory["beihang"]
    data = {
        "name": beihang.name,
        "slug": beihang.slug,
        "kind": beihang.kind,
        "description": "",
        "city": beihang.city,
        "region": beihang.region,
        "country": beihang.country,
        "website": "",
        "ror_id": "",
        "wikidata_id": "",
        **inline_formset("names", [{"name": "BUAA", "name_type": "acronym", "language": ""}]),
        **inline_formset("relations_from"),
        **inline_formset("positions"),
    }

    response = admin_client.post(admin_url(models.Institution, "change", beihang.pk), data)

    assert response.status_code == 302
    beihang.refresh_from_db()
    directory["agreement"].refresh_from_db()
    assert "BUAA" in beihang.search_document
    assert "BUAA" in directory["agreement"].search_document


def test_adding_a_party_refreshes_the_agreements_search_document(admin_client, db):
    pumch = factories.InstitutionFactory(name="Peking Union Medical College Hospital")

    admin_client.post(admin_url(models.Agreement, "add"), agreement_form(parties=[pumch]))

    assert "Peking Union Medical College Hospital" in models.Agreement.objects.get().search_document


def test_adding_a_position_refreshes_the_persons_search_document(admin_client, directory):
    person = factories.PersonFactory(family_name="Wu", given_name="Guilong")
    data = {
        "family_name": "Wu",
        "given_name": "Guilong",
        "name_order": "family_first",
        "slug": person.slug,
        "native_name": "",
        "honorifics": "",
        **inline_formset("other_names"),
        **inline_formset(
            "positions",
            [
                {
                    "institution": directory["beihang"].pk,
                    "title": "Party Secretary",
                    "as_of": "2023-05-18",
                    "as_of_precision": "day",
                }
            ],
        ),
    }

    admin_client.post(admin_url(models.Person, "change", person.pk), data)

    person.refresh_from_db()
    assert "Party Secretary" in person.search_document
    assert "Beihang University" in person.search_document


def test_renaming_a_field_refreshes_its_sub_fields_and_agreements(admin_client, directory):
    field = models.FocusArea.objects.get(slug="medical-education")

    admin_client.post(
        admin_url(models.FocusArea, "change", field.pk),
        {
            "name": "Medical education and training",
            "slug": field.slug,
            "description": "",
        },
    )

    sub_field = models.FocusArea.objects.get(slug="talent-cultivation")
    directory["agreement"].refresh_from_db()
    assert "Medical education and training" in sub_field.search_document
    assert "Medical education and training" in directory["agreement"].search_document


def test_deleting_an_other_name_refreshes_the_institutions_search_document(admin_client, directory):
    pumch = directory["pumch"]
    acronym = pumch.names.get()

    admin_client.post(admin_url(models.InstitutionName, "delete", acronym.pk), {"post": "yes"})

    pumch.refresh_from_db()
    assert not models.InstitutionName.objects.exists()
    assert "PUMCH" not in pumch.search_document


# Query budgets


def add_rows(count):
    for _ in range(count):
        institutions = factories.InstitutionFactory.create_batch(2)
        factories.InstitutionNameFactory(institution=institutions[0])
        position = factories.PositionFactory(institution=institutions[0])
        agreement = factories.AgreementFactory(
            parties=institutions, fields=[factories.FocusAreaFactory()]
        )
        factories.ParticipationFactory(
            agreement=agreement, person=position.person, position=position
        )


@pytest.mark.parametrize(
    "model",
    [models.Agreement, models.Institution, models.Person, models.Position, models.Participation],
    ids=lambda model: model.__name__,
)
def test_a_changelist_makes_as_many_queries_for_many_rows_as_for_one(
    admin_client, django_assert_max_num_queries, model
):
    url = admin_url(model, "changelist")
    add_rows(1)
    admin_client.get(url)  # Warm the session and the content-type caches.
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(url)
    add_rows(9)

    with django_assert_max_num_queries(len(one_row)):
        admin_client.get(url)
