"""The agreement list: filters, facets, active filters, sorting, pagination, drafts."""

import datetime
import re

import pytest
from django.urls import reverse

from partnerships.models import Agreement, AgreementKind, DatePrecision, InstitutionKind
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ParticipationFactory,
    PersonFactory,
)

LIST_URL = reverse("agreement-list")


def listed_slugs(response):
    return [agreement.slug for agreement in response.context["object_list"]]


def facet(response, name):
    return {f.name: f for f in response.context["facets"]}[name]


def option_counts(response, name):
    counts = {}
    for option in facet(response, name).options:
        counts[option.value] = option.count
        for child in option.children:
            counts[child.value] = child.count
    return counts


@pytest.fixture
def directory(db):
    """Three agreements with known parties, fields, years and kinds."""
    pumch = InstitutionFactory(slug="pumch", name="PUMCH Hospital", kind=InstitutionKind.HOSPITAL)
    tju = InstitutionFactory(
        slug="tju", name="Tianjin University", city="Tianjin", region="Tianjin"
    )
    hkust = InstitutionFactory(slug="hkust", name="HKUST", city="Hong Kong", region="Hong Kong SAR")
    engineering = FocusAreaFactory(slug="engineering", name="Medicine–engineering integration")
    imaging = FocusAreaFactory(slug="imaging", name="Medical imaging", parent=engineering)
    ai = FocusAreaFactory(slug="medical-ai", name="Medical AI", parent=engineering)
    education = FocusAreaFactory(slug="education", name="Medical education")
    return {
        "tju-pumch": AgreementFactory(
            slug="tju-pumch",
            parties=[tju, pumch],
            fields=[imaging, ai],
            signed_on=datetime.date(2023, 3, 30),
        ),
        "hkust-pumch": AgreementFactory(
            slug="hkust-pumch",
            parties=[hkust, pumch],
            fields=[education],
            signed_on=datetime.date(2024, 1, 1),
            signed_on_precision=DatePrecision.YEAR,
        ),
        "tju-hkust": AgreementFactory(
            slug="tju-hkust",
            parties=[tju, hkust],
            fields=[ai, education],
            signed_on=datetime.date(2017, 8, 23),
            kind=AgreementKind.CO_ESTABLISHMENT,
        ),
    }


def test_the_list_shows_every_published_agreement_newest_first(client, directory):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert listed_slugs(response) == ["hkust-pumch", "tju-pumch", "tju-hkust"]


def test_draft_agreements_are_not_listed_for_the_public(client, directory):
    DraftAgreementFactory(slug="secret-draft", title="Unreviewed draft")
    response = client.get(LIST_URL)
    assert "secret-draft" not in listed_slugs(response)
    assert "Unreviewed draft" not in response.content.decode()


def test_staff_see_drafts_marked_as_drafts(admin_client, directory):
    DraftAgreementFactory(slug="secret-draft", title="Unreviewed draft")
    response = admin_client.get(LIST_URL)
    assert "secret-draft" in listed_slugs(response)
    assert re.search(
        r"Unreviewed draft</a>\s*<span class=\"badge badge-draft\">Draft", response.content.decode()
    )


def test_filtering_by_an_institution_finds_its_agreements_on_either_side(client, directory):
    response = client.get(LIST_URL, {"institution": "pumch"})
    assert sorted(listed_slugs(response)) == ["hkust-pumch", "tju-pumch"]


def test_choosing_two_institutions_finds_agreements_with_either(client, directory):
    response = client.get(LIST_URL, {"institution": ["pumch", "tju"]})
    assert sorted(listed_slugs(response)) == ["hkust-pumch", "tju-hkust", "tju-pumch"]


def test_an_institution_and_a_field_find_agreements_with_both(client, directory):
    response = client.get(LIST_URL, {"institution": "pumch", "field": "medical-ai"})
    assert listed_slugs(response) == ["tju-pumch"]


def test_a_parent_field_includes_its_sub_fields(client, directory):
    response = client.get(LIST_URL, {"field": "engineering"})
    assert sorted(listed_slugs(response)) == ["tju-hkust", "tju-pumch"]


def test_filtering_by_year_uses_the_signing_year_whatever_its_precision(client, directory):
    assert listed_slugs(client.get(LIST_URL, {"year": "2024"})) == ["hkust-pumch"]
    assert sorted(listed_slugs(client.get(LIST_URL, {"year": ["2017", "2023"]}))) == [
        "tju-hkust",
        "tju-pumch",
    ]


def test_filtering_by_a_date_range(client, directory):
    response = client.get(LIST_URL, {"signed_from": "2018-01-01", "signed_to": "2023-12-31"})
    assert listed_slugs(response) == ["tju-pumch"]


def test_filtering_by_kind_of_agreement_and_kind_of_institution(client, directory):
    assert listed_slugs(client.get(LIST_URL, {"kind": "co_establishment"})) == ["tju-hkust"]
    response = client.get(LIST_URL, {"institution_kind": "hospital"})
    assert sorted(listed_slugs(response)) == ["hkust-pumch", "tju-pumch"]


def test_filtering_by_place_of_a_party(client, directory):
    assert sorted(listed_slugs(client.get(LIST_URL, {"city": "Hong Kong"}))) == [
        "hkust-pumch",
        "tju-hkust",
    ]


def test_filtering_by_a_person_who_took_part(client, directory):
    person = PersonFactory(slug="wang-chen")
    ParticipationFactory(agreement=directory["tju-hkust"], person=person)
    assert listed_slugs(client.get(LIST_URL, {"person": "wang-chen"})) == ["tju-hkust"]


def test_field_facet_counts_an_agreement_with_two_fields_once_in_each(client, directory):
    # Choosing a field unfolds its sub-fields; the field facet itself stays disjunctive.
    counts = option_counts(client.get(LIST_URL, {"field": "engineering"}), "field")
    assert counts["medical-ai"] == 2
    assert counts["imaging"] == 1
    assert counts["education"] == 2
    # tju-pumch has two sub-fields of engineering but counts once in the parent.
    assert counts["engineering"] == 2


def test_facet_counts_follow_the_other_active_filters(client, directory):
    response = client.get(LIST_URL, {"field": "education"})
    institutions = option_counts(response, "institution")
    assert institutions == {"hkust": 2, "pumch": 1, "tju": 1}
    # Disjunctive: the chosen facet's own options still count under the other filters.
    fields = option_counts(response, "field")
    assert fields["engineering"] == 2


def test_the_year_facet_is_in_date_order(client, directory):
    years = [option.value for option in facet(client.get(LIST_URL), "year").options]
    assert years == ["2024", "2023", "2017"]


def test_active_filters_are_shown_and_removable_one_by_one(client, directory):
    response = client.get(LIST_URL, {"institution": "pumch", "field": "education"})
    chips = {chip.value: chip for chip in response.context["active_filters"]}
    assert chips["pumch"].value_label == "PUMCH Hospital"
    assert chips["education"].value_label == "Medical education"
    remaining = client.get(LIST_URL + chips["pumch"].remove_url)
    assert [c.value for c in remaining.context["active_filters"]] == ["education"]
    assert sorted(listed_slugs(remaining)) == ["hkust-pumch", "tju-hkust"]


def test_sorting_by_title_and_oldest_first(client, directory):
    oldest = listed_slugs(client.get(LIST_URL, {"sort": "oldest"}))
    assert oldest == ["tju-hkust", "tju-pumch", "hkust-pumch"]
    titles = [a.title for a in client.get(LIST_URL, {"sort": "title"}).context["object_list"]]
    assert titles == sorted(titles)


def test_pagination_keeps_the_active_filters(client, db):
    field = FocusAreaFactory(slug="imaging")
    AgreementFactory.create_batch(25, fields=[field])
    response = client.get(LIST_URL, {"field": "imaging"})
    assert response.context["page_obj"].paginator.num_pages == 2
    html = response.content.decode()
    assert 'href="?field=imaging&amp;page=2"' in html
    second = client.get(LIST_URL, {"field": "imaging", "page": "2"})
    assert len(second.context["object_list"]) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "is not a year"),
        ({"kind": "treaty"}, "is not a known kind of agreement"),
        ({"signed_from": "2023-02-30"}, "Enter a valid date"),
        ({"institution": "no-such-place"}, "nothing in the directory is called"),
        ({"page": "999"}, "There is no page"),
        ({"signed_from": "2024-01-01", "signed_to": "2020-01-01"}, "before its start"),
    ],
)
def test_bad_filter_values_are_dropped_and_explained(client, directory, params, message):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert message in " ".join(response.context["notices"])


def test_a_chosen_sub_field_is_shown_by_its_name_without_a_false_notice(client, directory):
    response = client.get(LIST_URL, {"field": "medical-ai"})
    assert [chip.value_label for chip in response.context["active_filters"]] == ["Medical AI"]
    assert response.context["notices"] == []


def test_sub_fields_unfold_only_under_a_chosen_field(client, directory):
    folded = facet(client.get(LIST_URL), "field")
    assert all(not option.children for option in folded.options)
    unfolded = facet(client.get(LIST_URL, {"field": "engineering"}), "field")
    engineering = next(o for o in unfolded.options if o.value == "engineering")
    assert [child.value for child in engineering.children] == ["medical-ai", "imaging"]


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
@pytest.mark.parametrize("query", ["", "?q=partners"])
def test_a_card_escapes_every_name_it_writes(client, db, prefix, query):
    # Cards are written as text by a template tag: every name, in either language, and
    # with or without search words marked, must come out escaped.
    field = FocusAreaFactory(slug="escaped-field", name='<s>Care</s> & "cure"')
    alpha = InstitutionFactory(name="<i>Alpha</i> & Co")
    InstitutionNameFactory(
        institution=alpha, name="<u>甲</u>院", name_type="label", language="zh-Hans"
    )
    AgreementFactory(
        title='<b>Deal</b> & "partners"',
        parties=[alpha, InstitutionFactory(name="Beta's <em>partners</em>")],
        fields=[field],
    )

    html = client.get(f"{prefix}/agreements/{query}").content.decode()
    cards = html[html.index('<li class="card">') :]

    for raw in ("<b>", "<i>", "<u>", "<em>", "<s>"):
        assert raw not in cards
    assert "&lt;s&gt;Care&lt;/s&gt; &amp; &quot;cure&quot;" in cards
    assert "Beta&#x27;s" in cards
    alpha_link = f'<a href="{prefix}/institutions/{alpha.slug}/">'
    if prefix:  # the Chinese name on the Chinese page; English ones marked as English
        assert f"{alpha_link}&lt;u&gt;甲&lt;/u&gt;院</a>" in cards
        assert '<span lang="en">&lt;s&gt;Care&lt;/s&gt;' in cards
    else:  # the English name on the English page
        assert f"{alpha_link}&lt;i&gt;Alpha&lt;/i&gt; &amp; Co</a>" in cards
        assert '<span lang="en">' not in cards
    if query:
        assert "<mark>partners</mark>" in cards


def test_cards_name_the_parties_in_the_sources_order_and_the_fields_by_name(client, db):
    # A card's parties and fields are read apart from the agreement (for_cards()): they
    # must be the agreement's own, in the order its record gives them, on every page
    # that shows cards, and agree with the records' relations.
    zeta, alpha = InstitutionFactory(name="Zeta Hospital"), InstitutionFactory(name="Alpha Uni")
    anatomy, zoology = FocusAreaFactory(name="Anatomy"), FocusAreaFactory(name="Zoology")
    agreement = AgreementFactory(
        title="Ordered partners", parties=[zeta, alpha], fields=[zoology, anatomy]
    )
    AgreementFactory(title="Another deal", parties=[alpha], fields=[zoology])
    pages = [
        LIST_URL,
        reverse("institution-detail", args=[alpha.slug]),
        reverse("focusarea-detail", args=[zoology.slug]),
        reverse("search") + "?q=Ordered",
        reverse("home"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        card = html[html.index(f'<a href="{agreement.get_absolute_url()}">') :]
        card = card[: card.index("</li>", card.index('class="card-parties"'))]
        assert card.index(zeta.get_absolute_url()) < card.index(alpha.get_absolute_url()), url
        tags = html[html.index(f'<a href="{agreement.get_absolute_url()}">') :]
        tags = tags[tags.index('class="tags"') : tags.index("</ul>", tags.index('class="tags"'))]
        assert tags.index(anatomy.get_absolute_url()) < tags.index(zoology.get_absolute_url())

    for listed in Agreement.objects.for_cards():
        with_relations = Agreement.objects.for_list().get(pk=listed.pk)
        assert [p.slug for p in listed.card_parties] == [
            link.institution.slug for link in with_relations.party_links.all()
        ]
        assert [f.slug for f in listed.card_fields] == [
            area.slug for area in sorted(with_relations.focus_areas.all(), key=str)
        ]
