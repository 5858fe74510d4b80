"""One search box across every record type, on both databases."""

import pytest
from django.db import connection
from django.urls import reverse

SEARCH_URL = reverse("search")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="typo tolerance needs PostgreSQL's pg_trgm"
)


def section(response, label):
    return {s["label"]: s for s in response.context["sections"]}[label]


def result_names(response, label):
    return [str(item) for item in section(response, label)["results"]]


@pytest.mark.parametrize(
    ("query", "institution"),
    [
        ("PUMCH", "Peking Union Medical College Hospital"),
        ("USTB", "University of Science and Technology Beijing"),
        ("HKUST", "Hong Kong University of Science and Technology"),
        ("BUAA", "Beihang University"),
        ("Beihang", "Beihang University"),
        ("北京协和医院", "Peking Union Medical College Hospital"),
        ("Union Medical", "Peking Union Medical College Hospital"),
    ],
)
def test_names_abbreviations_and_native_names_find_the_institution(
    client, curated, query, institution
):
    response = client.get(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    assert institution in result_names(response, "Institutions")


def test_an_abbreviation_finds_the_agreements_of_that_institution(client, curated):
    response = client.get(SEARCH_URL, {"q": "PUMCH"})
    agreements = section(response, "Agreements")["results"]
    assert [a.slug for a in agreements] == ["hkust-pumch-strategic-cooperation-2024"]


def test_the_exact_name_ranks_first(client, curated):
    response = client.get(SEARCH_URL, {"q": "Tianjin University"})
    assert result_names(response, "Institutions")[0] == "Tianjin University"


def test_people_are_found_by_name(client, curated):
    response = client.get(SEARCH_URL, {"q": "Wang Chen"})
    assert result_names(response, "People")[0] == "Wang Chen"


@on_postgresql
@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("Tianjn", "Tianjin University"),
        ("Tianj", "Tianjin University"),
        ("Beihnag University", "Beihang University"),
        ("Pekin Union Medicl Colege", "Peking Union Medical College"),
    ],
)
def test_typos_and_parts_of_names_find_what_was_meant_on_postgresql(client, curated, typo, meant):
    response = client.get(SEARCH_URL, {"q": typo})
    assert meant in result_names(response, "Institutions")[:3]


@on_postgresql
def test_typos_are_corrected_against_the_words_the_directory_holds(curated):
    from partnerships.search import corrected_words

    assert corrected_words("Beihnag Universty") == "beihang university"
    assert corrected_words("zzqxv") == "zzqxv"  # nothing close: kept as typed


@on_postgresql
@pytest.mark.parametrize(("typo", "meant"), [("Anuhi", "anhui"), ("Fuijan", "fujian")])
def test_two_swapped_letters_are_corrected_to_the_word_meant(db, typo, meant):
    """The commonest typo. In a short word it leaves few trigrams in common, so that
    similarity alone preferred another place ("Anzhi", "Funan")."""
    from partnerships.search import corrected_words
    from tests.factories import InstitutionFactory

    for name in ("Anhui Provincial Hospital", "Anzhi County Hospital"):
        InstitutionFactory(name=name)
    for name in ("Fujian Medical University", "Funan County Hospital"):
        InstitutionFactory(name=name)
    assert corrected_words(typo) == meant


@on_postgresql
def test_a_swapped_letters_typo_searches_the_word_meant_alone(client, db):
    """Once two swapped letters make a known word, the words merely similar to the typo
    are not searched as well: "Fuijan" finds Fujian, not Funan beside it."""
    from tests.factories import InstitutionFactory

    for name in ("Fujian Medical University", "Funan County Hospital"):
        InstitutionFactory(name=name)
    response = client.get(SEARCH_URL, {"q": "Fuijan"})
    assert result_names(response, "Institutions") == ["Fujian Medical University"]


@on_postgresql
def test_a_typo_searches_the_likest_words_not_those_merely_near_it(client, db):
    """ "Academyy" is "academy" (similarity 0.70), not also "academic" (0.50): a word
    markedly less like the typed one than the likest is another word."""
    from partnerships.search import word_candidates
    from tests.factories import InstitutionFactory

    for name in ("Academy of Medicine", "Academic Hospital", "Disease Centre", "Diseases Hall"):
        InstitutionFactory(name=name)
    assert word_candidates("Academyy") == [["academy"]]
    assert result_names(client.get(SEARCH_URL, {"q": "Academyy"}), "Institutions") == [
        "Academy of Medicine"
    ]
    # As like as each other (0.70 and 0.64): both are searched.
    assert word_candidates("Diseasee") == [["disease", "diseases"]]


@on_postgresql
def test_a_misspelt_query_is_corrected_once_for_every_section(client, curated):
    """Each section (agreements, institutions, people, fields) needs the corrections: the
    lexicon is asked once per page, not once per section."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH_URL, {"q": "Beihnag Universty"})
    assert "Beihang University" in result_names(response, "Institutions")
    lexicon = [q for q in queries if "partnerships_searchword" in q["sql"]]
    assert len(lexicon) == 1


@on_postgresql
def test_a_word_one_section_finds_is_no_typo_in_the_others(client, curated):
    """ "Tianjin" names institutions and agreements, and no field: the fields section says
    so, rather than correcting the word to fields named like it, and the lexicon of
    known words is not asked at all."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH_URL, {"q": "Tianjin"})
    assert "Tianjin University" in result_names(response, "Institutions")
    assert section(response, "Fields")["count"] == 0
    assert not [q for q in queries if "partnerships_searchword" in q["sql"]]


@on_postgresql
def test_a_new_name_joins_the_typo_lexicon_when_its_write_commits(client, db):
    from tests.factories import InstitutionFactory

    InstitutionFactory(name="Quenbrook Children's Hospital")
    response = client.get(SEARCH_URL, {"q": "Quenbrok"})
    assert result_names(response, "Institutions") == ["Quenbrook Children's Hospital"]


@on_postgresql
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Tianjin University", "tianjin   UNIVERSITY"),
        ("Tianjin University", "University Tianjin"),
        ("Beihnag Universty", "beihnag universty"),
    ],
)
def test_queries_searching_the_same_words_are_counted_and_ranked_once(
    client, curated, first, second
):
    """Readers write the same search many ways (case, spaces, word order, the same
    typo): the second is answered from the first's results, with the same sections."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    shown = client.get(SEARCH_URL, {"q": first})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(SEARCH_URL, {"q": second})
    for label in ("Agreements", "Institutions", "People", "Fields"):
        assert result_names(again, label) == result_names(shown, label)
        assert section(again, label)["count"] == section(shown, label)["count"]
    assert result_names(again, "Institutions")
    assert not [q for q in queries if "COUNT(*) OVER ()" in q["sql"]]


def test_matched_terms_are_highlighted_and_the_rest_escaped(client, curated):
    from tests.factories import AgreementFactory

    AgreementFactory(title="PUMCH <script>alert(1)</script> & <b>partners</b>")
    html = client.get(SEARCH_URL, {"q": "PUMCH"}).content.decode()
    assert "<mark>PUMCH</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "<script>alert" not in html
    assert "<b>partners" not in html


def test_highlighted_neighbouring_words_keep_the_space_between_them(client, db):
    from tests.factories import AgreementFactory

    AgreementFactory(title="Cooperation on medical AI research")
    html = client.get(reverse("agreement-list"), {"q": "medical AI"}).content.decode()
    assert "<mark>medical AI</mark> research" in html


def test_no_results_suggests_what_to_try(client, curated):
    response = client.get(SEARCH_URL, {"q": "Quantum basket weaving"})
    html = response.content.decode()
    assert response.context["total"] == 0
    assert "No results for" in html
    assert "Try an abbreviation" in html


@on_postgresql
def test_a_search_that_finds_nothing_suggests_names_holding_a_word_it_may_have_meant(
    client, curated
):
    # "Tianjn" alone would be corrected and found; with a word the directory does not
    # hold, every section finds nothing, and the names with "Tianjin" are offered.
    response = client.get(SEARCH_URL, {"q": "Tianjn quasar"})
    assert response.context["total"] == 0
    # Both hold "Tianjin" alike: in the order of their names.
    assert response.context["suggestions"][:2] == [
        "Tianjin Medical University",
        "Tianjin University",
    ]
    html = response.content.decode()
    assert 'href="?q=Tianjin%20University"' in html


def test_a_search_string_longer_than_the_limit_is_refused_with_a_clear_message(client, db):
    response = client.get(SEARCH_URL, {"q": "x" * 500})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_drafts_are_found_by_editors_but_not_by_the_public(client, admin_client, curated):
    from tests.factories import DraftAgreementFactory

    draft = DraftAgreementFactory(title="Secret quantum cooperation")

    def agreements_found(response):
        section = next(s for s in response.context["sections"] if s["label"] == "Agreements")
        return section["results"]

    assert agreements_found(admin_client.get(SEARCH_URL, {"q": "quantum"})) == [draft]
    public_sees = client.get(SEARCH_URL, {"q": "quantum"})
    assert public_sees.context["total"] == 0
    assert agreements_found(public_sees) == []


def test_the_agreement_list_searches_and_orders_by_relevance(client, curated):
    response = client.get(reverse("agreement-list"), {"q": "Tianjin"})
    slugs = [a.slug for a in response.context["object_list"]]
    assert slugs[0] == "tju-tijmu-strategic-cooperation-2017"


def test_the_agreements_section_counts_every_match_and_shows_the_best_first(
    client, admin_client, db
):
    """The section shows the first few, but its count is every match the reader may see;
    a write through ``update()`` (no signal) is counted as soon as it commits."""
    from partnerships.models import Agreement, AgreementStatus
    from partnerships.views import SEARCH_SECTION_SIZE
    from tests.factories import AgreementFactory, DraftAgreementFactory

    for n in range(SEARCH_SECTION_SIZE + 2):
        AgreementFactory(title=f"Cooperation {n}", summary="Joint lymphoma clinics.")
    best = AgreementFactory(title="Lymphoma")
    draft = DraftAgreementFactory(title="Lymphoma registry")

    readers = section(client.get(SEARCH_URL, {"q": "lymphoma"}), "Agreements")
    assert readers["count"] == SEARCH_SECTION_SIZE + 3
    assert len(readers["results"]) == SEARCH_SECTION_SIZE
    assert readers["results"][0] == best
    assert section(admin_client.get(SEARCH_URL, {"q": "lymphoma"}), "Agreements")["count"] == (
        SEARCH_SECTION_SIZE + 4
    )

    Agreement.objects.filter(pk=draft.pk).update(
        status=AgreementStatus.PUBLISHED, published_at=draft.created_at
    )
    readers = section(client.get(SEARCH_URL, {"q": "lymphoma"}), "Agreements")
    assert readers["count"] == SEARCH_SECTION_SIZE + 4
    assert draft in readers["results"]


@pytest.mark.parametrize("params", [{}, {"year": "2021"}, {"sort": "relevance", "year": "2021"}])
def test_a_list_search_pages_through_every_match_best_first(client, admin_client, db, params):
    """Readers page through the matches in relevance order, under other filters too;
    editors also see the drafts that match. The order is the search's own ranking."""
    import datetime

    from partnerships import search
    from partnerships.models import Agreement
    from tests.factories import AgreementFactory, DraftAgreementFactory

    for n in range(26):
        AgreementFactory(
            title=f"Nursing school {n}" if n % 3 else f"Nursing nursing centre {n}",
            summary="Nursing exchanges." if n % 2 else "",
            signed_on=datetime.date(2020 + n % 3, 3, 1),
        )
    AgreementFactory(title="Dental clinic")
    DraftAgreementFactory(title="Nursing draft", signed_on=datetime.date(2021, 3, 1))
    url = reverse("agreement-list")
    for who, visible in ((client, Agreement.objects.published()), (admin_client, None)):
        visible = visible if visible is not None else Agreement.objects.all()
        if "year" in params:
            visible = visible.filter(signed_on__year=2021)
        expected = list(search.search(visible, "nursing", "title").values_list("slug", flat=True))
        shown, page = [], 1
        while len(shown) < len(expected) and page < 5:
            response = who.get(url, {"q": "nursing", "page": page, **params})
            assert response.context["total"] == len(expected)
            shown += [a.slug for a in response.context["object_list"]]
            page += 1
        assert shown == expected
    # The editor's matches include the draft: 26 of 27, or 9 of 10 signed in 2021.
    assert len(expected) == (10 if "year" in params else 27)


@pytest.mark.parametrize(
    ("query", "misspelt"),
    [("University", False), ("Tianjin University", False), ("Beihnag Universty", True)],
)
def test_each_section_shows_what_its_own_search_finds_all_found_in_one_query(
    client, curated, query, misspelt
):
    """The sections are counted and ranked together (PostgreSQL: one query, and one more
    when the words are corrected); each shows its own search's count and first results,
    in rank order."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    from partnerships import search
    from partnerships.models import Agreement, FocusArea, Institution, Person

    corrected = misspelt and connection.vendor == "postgresql"  # SQLite finds no typo
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH_URL, {"q": query})
    if connection.vendor == "postgresql":
        found_together = [q for q in queries if "COUNT(*) OVER ()" in q["sql"]]
        assert len(found_together) == (2 if corrected else 1)
    shown = 0
    for label, queryset, name_field in (
        ("Agreements", Agreement.objects.published(), "title"),
        ("Institutions", Institution.objects.public(), "name"),
        ("People", Person.objects.public(), "family_name"),
        ("Fields", FocusArea.objects.all(), "name"),
    ):
        if corrected:  # In every section alike, as no section finds the words as typed.
            own_search = search._corrected_plan(queryset.model, query).apply(queryset)
        else:
            own_search = search.search(queryset, query, name_field)
        first = list(own_search.values_list("pk", flat=True)[:5])
        assert [item.pk for item in section(response, label)["results"]] == first, label
        assert section(response, label)["count"] == own_search.count(), label
        shown += len(first)
    assert bool(shown) == (corrected or not misspelt)
