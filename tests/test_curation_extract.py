"""Drafting an agreement from a press release: the rules, on the project's own corpus."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partnerships.curation import extract
from partnerships.curation.dates import PartialDate, find_dates, parse_publication_date
from partnerships.curation.evaluate import evaluate, overall
from partnerships.curation.extract import draft_from_text
from partnerships.curation.gazetteer import Gazetteer
from partnerships.curation.names import parse_person_name
from partnerships.curation.text import MAX_TEXT_BYTES, DraftInputError
from partnerships.models import DatePrecision

CORPUS = Path(__file__).resolve().parent.parent / "docs" / "curation" / "corpus"
TRUTH = CORPUS.parent / "truth.json"
RELEASE = """Source: https://news.example.edu/2024/uk-agreement
Title: University of Wessex and hospital trust sign agreement

The University of Wessex and Wessex Coast Hospitals NHS Foundation Trust have signed a
memorandum of understanding to expand clinical research.

The agreement was signed on 14 March at Southcliffe General Hospital by Professor Helen Carter,
Vice-Chancellor of the University of Wessex, and Dr Michael Osei, Chief Executive of Wessex Coast
Hospitals NHS Foundation Trust.
"""


def read(name):
    return (CORPUS / name).read_text(encoding="utf-8")


def draft_json(text, **kwargs):
    return draft_from_text(text, gazetteer=kwargs.pop("gazetteer", Gazetteer()), **kwargs).as_json()


# --- dates ---------------------------------------------------------------------------


def day(text):
    return PartialDate(datetime.date.fromisoformat(text), DatePrecision.DAY)


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("on 17 April", "2024-04-20", "2024-04-17"),
        ("On December 25th", "2024-01-02", "2023-12-25"),  # a day after publication: last year
        ("today", "2025-06-03", "2025-06-03"),
        ("recently", "2025-03-19", "2025"),
        ("earlier this month", "2025-04-22", "2025-04"),
        ("last week", "2022-09-16", "2022-09"),
        ("in September", "2023-10-05", "2023-09"),
        ("in 2022", None, "2022"),
        ("on Sept. 9, 2024", None, "2024-09-09"),
    ],
)
def test_dates_keep_the_precision_the_text_gives(phrase, published, expected):
    mentions = find_dates(phrase, day(published) if published else None)
    assert mentions[0].date.iso() == expected


def test_a_relative_date_without_a_publication_date_stays_unknown():
    assert find_dates("recently signed", None)[0].date is None
    assert find_dates("On May 18, they signed", None)[0].date is None


def test_today_in_a_release_dated_only_by_month_gives_the_month_not_a_day():
    published = parse_publication_date("October 2023")
    assert published.precision == DatePrecision.MONTH
    assert find_dates("signed today", published)[0].date.iso() == "2023-10"


# --- names ---------------------------------------------------------------------------


def test_names_are_kept_as_printed_and_normalised_to_one_person():
    printed, plain = parse_person_name("FU Wei"), parse_person_name("Fu Wei")
    assert printed.printed == "FU Wei"
    assert printed.key == plain.key
    assert (printed.family_name, printed.given_name) == ("Fu", "Wei")


def test_a_capitalised_family_name_fixes_the_name_order():
    nancy = parse_person_name("Nancy IP")
    assert (nancy.family_name, nancy.given_name, nancy.name_order) == ("Ip", "Nancy", "given_first")
    western = parse_person_name("Laura M. Chen")
    assert (western.family_name, western.given_name) == ("Chen", "Laura M.")


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   \n\n ", "empty"),
        ("x" * (MAX_TEXT_BYTES + 1), "KB"),
        (b"%PDF-1.7\x00\x01\x02 binary", "binary"),
        (b"\xff\xfe\x00\x00not utf-8 \x89", "binary"),
        (
            "北京航空航天大学与北京协和医学院签署战略合作协议。双方将在医工结合领域深化合作。",
            "English",
        ),
        (
            "Die Universität und das Klinikum haben heute einen Kooperationsvertrag unterzeichnet.",
            "English",
        ),
    ],
)
def test_bad_input_gives_a_clear_message(raw, message):
    with pytest.raises(DraftInputError, match=message):
        draft_from_text(raw, gazetteer=Gazetteer())


def test_a_failing_rule_drops_its_facts_and_keeps_the_rest(monkeypatch):
    def broken(self):
        raise RuntimeError("rule broke")

    monkeypatch.setattr(extract._Reader, "read_established", broken)
    draft = draft_from_text(read("written_03_uk_nhs_full_date.txt"), gazetteer=Gazetteer())
    result = draft.as_json()
    assert result["established"] == []
    assert [party["name"] for party in result["parties"]] == [
        "University of Wessex",
        "Wessex Coast Hospitals NHS Foundation Trust",
    ]
    assert draft.problems


# --- the proposal --------------------------------------------------------------------


def test_the_json_has_exactly_the_agreed_keys():
    result = draft_json(RELEASE)
    assert set(result) == {
        "title", "signed", "published", "place", "city", "term", "parties", "people",
        "focus_areas", "established", "evidence",
    }  # fmt: skip
    assert set(result["parties"][0]) == {
        "name", "abbreviation", "kind", "city", "country", "matched",
    }  # fmt: skip
    assert set(result["people"][0]) == {"name", "title", "institution", "roles"}


def test_the_header_gives_the_source_and_a_day_without_year_stays_unresolved():
    draft = draft_from_text(RELEASE, gazetteer=Gazetteer())
    assert draft.source_url == "https://news.example.edu/2024/uk-agreement"
    assert draft.source_title == "University of Wessex and hospital trust sign agreement"
    assert draft.signed is None  # "14 March" with no publication date: no year to give it


def test_a_typed_publication_date_resolves_the_day():
    result = draft_json(RELEASE, published="18 March 2024")
    assert result["signed"] == "2024-03-14"
    assert result["published"] == "2024-03-18"


def test_new_parties_get_kind_and_country_from_their_names():
    parties = draft_json(RELEASE)["parties"]
    assert parties[0] | {} == {
        "name": "University of Wessex", "abbreviation": None, "kind": "university",
        "city": None, "country": None, "matched": None,
    }  # fmt: skip
    assert (parties[1]["kind"], parties[1]["country"]) == ("health_system", "United Kingdom")


def test_people_get_title_institution_roles_and_evidence():
    result = draft_json(RELEASE)
    carter = result["people"][0]
    assert carter == {
        "name": "Helen Carter",
        "title": "Vice-Chancellor",
        "institution": "University of Wessex",
        "roles": ["signatory"],
    }
    assert "Professor Helen Carter" in result["evidence"]["person: Helen Carter: signatory"]
    assert result["place"] == "Southcliffe General Hospital"


@pytest.mark.django_db
def test_parties_are_matched_against_the_directorys_names_and_acronyms(curated):
    result = draft_from_text(read("seed_001_516b4209d554b848.txt")).as_json()
    assert [party["matched"] for party in result["parties"]] == ["ustb", "puth"]
    assert result["signed"] == "2023-12-25"  # "December 25th" in an article of 2 January 2024
    fu_wei = next(person for person in result["people"] if person["name"] == "FU Wei")
    assert fu_wei["institution"] == "Peking University Third Hospital"
    assert fu_wei["roles"] == ["speaker", "attendee"]


@pytest.mark.django_db
def test_fields_are_found_through_their_synonyms(curated):
    text = (
        "Prairie State University and St. Anselm Medical Center signed a partnership agreement "
        "on 3 April 2025 to develop artificial intelligence tools for diagnosis."
    )
    result = draft_from_text(text).as_json()
    # "artificial intelligence tools" is a synonym of the field, not its name.
    assert "Medical artificial intelligence" in result["focus_areas"]
    assert (
        "artificial intelligence tools"
        in result["evidence"]["focus area: Medical artificial intelligence"]
    )


# --- the command and the report ------------------------------------------------------


@pytest.mark.django_db
def test_draft_agreement_prints_the_json(capsys):
    call_command("draft_agreement", str(CORPUS / "written_08_us_full_date.txt"), "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["signed"] == "2024-09-09"
    assert result["parties"][1]["name"] == "Lakeshore Health System"
    assert result["parties"][1]["kind"] == "health_system"


@pytest.mark.django_db
def test_draft_agreement_says_why_it_cannot_read_a_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty"):
        call_command("draft_agreement", str(empty), "--json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("draft_agreement", str(tmp_path / "missing.txt"))


@pytest.mark.django_db
def test_drafts_get_at_least_nine_in_ten_facts_right_on_the_corpus(curated):
    tallies = evaluate(CORPUS, TRUTH)
    total = overall(tallies)
    assert total.expected > 300
    assert total.precision >= 0.9
    assert total.recall >= 0.9


@pytest.mark.django_db
def test_evaluate_drafts_prints_precision_and_recall_per_fact(curated, capsys):
    call_command("evaluate_drafts", str(CORPUS), str(TRUTH))
    out = capsys.readouterr().out
    for kind in ("parties", "signed", "people", "roles", "focus_areas", "established"):
        assert kind in out
    assert "all facts" in out


@pytest.mark.django_db
def test_the_truth_for_the_seed_documents_is_the_curated_fixtures(curated):
    from partnerships.models import Agreement

    truth = json.loads(TRUTH.read_text(encoding="utf-8"))["documents"]
    roles = {
        "signed": "signatory", "witnessed": "witness", "spoke": "speaker",
        "presided": "presided", "attended": "attendee", "unveiled": "unveiled",
    }  # fmt: skip
    for agreement in Agreement.objects.prefetch_related(
        "party_links__institution", "participations__person", "focus_links__focus_area",
        "established_bodies", "sources",
    ):  # fmt: skip
        record = truth[f"seed_{agreement.sources.get().document}"]
        assert [p["slug"] for p in record["parties"]] == [
            link.institution.slug for link in agreement.party_links.all()
        ]
        assert record["signed"] == agreement.signed_on_iso
        recorded = {
            (person["name"], role) for person in record["people"] for role in person["roles"]
        }
        assert recorded == {
            (link.person.display_name, roles[link.role]) for link in agreement.participations.all()
        }
        assert sorted(record["focus_areas"]) == sorted(
            link.focus_area.name for link in agreement.focus_links.all()
        )
        assert sorted(record["established"]) == sorted(
            body.name for body in agreement.established_bodies.all()
        )
