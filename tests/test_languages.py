"""English and Simplified Chinese: addresses, the reader's choice, alternates, the cache."""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from partnerships.caching import page_key
from tests.factories import AgreementFactory, InstitutionFactory

CHINESE = "zh-hans"
PREFERS_CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}


def html_language(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def alternates(response):
    return dict(
        re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode()
        )
    )


@pytest.fixture
def institution(db):
    institution = InstitutionFactory(slug="pumch", name="Peking Union Medical College Hospital")
    AgreementFactory(parties=[institution, InstitutionFactory()])
    return institution


def test_english_pages_keep_their_unprefixed_addresses(client, institution):
    assert reverse("agreement-list") == "/agreements/"
    response = client.get("/agreements/")
    assert response.status_code == 200
    assert html_language(response) == "en-gb"


@pytest.mark.parametrize(
    "path",
    ["/zh-hans/", "/zh-hans/agreements/", "/zh-hans/institutions/pumch/", "/zh-hans/search/?q=x"],
)
def test_chinese_pages_live_under_their_prefix(client, institution, path):
    response = client.get(path)
    assert response.status_code == 200
    assert html_language(response) == CHINESE
    assert response["Content-Language"] == CHINESE


def test_links_on_a_chinese_page_stay_in_chinese(client, institution):
    page = client.get("/zh-hans/").content.decode()
    assert 'href="/zh-hans/agreements/"' in page
    assert 'href="/agreements/"' not in page


def test_a_first_visit_follows_accept_language_and_keeps_the_query(client, institution):
    response = client.get("/agreements/?kind=mou&q=Peking", **PREFERS_CHINESE)
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/agreements/?kind=mou&q=Peking"
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]


def test_a_reader_who_chose_english_is_not_sent_away(client, institution):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-gb"
    response = client.get("/agreements/", **PREFERS_CHINESE)
    assert response.status_code == 200
    assert html_language(response) == "en-gb"


def test_the_switcher_keeps_the_page_filters_and_search(client, institution):
    page = client.get("/zh-hans/agreements/?kind=mou&q=Peking").content.decode()
    link = re.search(r'<a href="([^"]+)" hreflang="en-gb"', page).group(1)
    assert link == "/language/en-gb/?next=/agreements/%3Fkind%3Dmou%26q%3DPeking"

    response = client.get(link.replace("&amp;", "&"))

    assert response.status_code == 302
    assert response["Location"] == "/agreements/?kind=mou&q=Peking"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en-gb"
    # Remembered: the English page is served even though the browser prefers Chinese.
    assert client.get(response["Location"], **PREFERS_CHINESE).status_code == 200


def test_the_switcher_never_leads_off_the_site(client, db):
    response = client.get("/language/zh-hans/?next=https://evil.example/")
    assert response["Location"] == "/zh-hans/"


def test_an_unknown_language_falls_back_to_english(client, db):
    response = client.get("/language/xx/?next=/agreements/")
    assert response["Location"] == "/agreements/"


def test_every_page_names_both_languages_and_a_default_as_alternates(client, institution):
    response = client.get("/zh-hans/institutions/pumch/?page=1")
    assert alternates(response) == {
        "en-gb": "http://testserver/institutions/pumch/?page=1",
        "zh-hans": "http://testserver/zh-hans/institutions/pumch/?page=1",
        "x-default": "http://testserver/institutions/pumch/?page=1",
    }


@pytest.mark.parametrize("path", ["/api/", "/agreements/export.csv", "/feeds/agreements/"])
def test_api_downloads_and_feeds_keep_one_address_and_follow_the_reader(client, institution, path):
    assert client.get(path, **PREFERS_CHINESE)["Content-Language"] == CHINESE
    assert (
        client.get(path + ("&" if "?" in path else "?") + "lang=en")["Content-Language"] == "en-gb"
    )
    assert client.get(f"/{CHINESE}{path}").status_code == 404


def test_the_old_address_of_a_renamed_record_redirects_in_chinese_too(client, institution):
    institution.slug = "peking-union"
    institution.save()
    response = client.get("/zh-hans/institutions/pumch/")
    assert response.status_code == 301
    assert response["Location"] == "/zh-hans/institutions/peking-union/"


def test_the_two_languages_never_share_a_cached_page(client, institution):
    english = client.get("/agreements/")
    chinese = client.get("/zh-hans/agreements/")
    assert (html_language(english), html_language(chinese)) == ("en-gb", CHINESE)
    # Cached now: served again, each in its own language.
    assert html_language(client.get("/agreements/")) == "en-gb"
    assert html_language(client.get("/zh-hans/agreements/")) == CHINESE


def test_the_page_cache_key_names_the_active_language(db):
    request = RequestFactory().get("/agreements/")
    with translation.override("en-gb"):
        english = page_key(request, 1)
    with translation.override(CHINESE):
        chinese = page_key(request, 1)
    assert english != chinese


@pytest.fixture
def directory(db):
    """One of each record, enough for every page type to show names, dates and counts."""
    from tests.factories import (
        FocusAreaFactory,
        ParticipationFactory,
        PersonFactory,
        PositionFactory,
        SourceFactory,
    )

    field = FocusAreaFactory(slug="medical-education", name="Medical education")
    hospital = InstitutionFactory(slug="pumch", name="Peking Union Medical College Hospital")
    university = InstitutionFactory(slug="thu", name="Tsinghua University")
    agreements = [
        AgreementFactory(slug=f"agreement-{n}", parties=[hospital, university], fields=[field])
        for n in range(3)
    ]
    person = PersonFactory(slug="wang-chen", family_name="Wang", given_name="Chen")
    PositionFactory(person=person, institution=hospital)
    ParticipationFactory(agreement=agreements[0], person=person, role="signed")
    source = SourceFactory(slug="press-release")
    agreements[0].sources.add(source)
    return agreements


PAGE_TYPES = [
    ("/", "最新发布", "Newly published"),
    ("/agreements/", "排序方式", "Sort by"),
    ("/agreements/agreement-0/", "要点", "Key facts"),
    ("/institutions/", "搜索机构", "Search institutions"),
    ("/institutions/pumch/", "合作伙伴", "Partners"),
    ("/people/", "签约仪式上的角色", "Role at a signing"),
    ("/people/wang-chen/", "协议与角色", "Agreements and roles"),
    ("/fields/", "协议涉及的领域", "The fields agreements cover"),
    ("/fields/medical-education/", "最活跃的机构", "Most active institutions"),
    ("/sources/press-release/", "来源文件", "Source document"),
    ("/search/?q=Peking", "搜索结果", "results for"),
]


@pytest.mark.parametrize(("path", "chinese", "english"), PAGE_TYPES)
def test_every_page_type_renders_in_both_languages(client, directory, path, chinese, english):
    english_page = client.get(path)
    chinese_page = client.get(f"/{CHINESE}{path}")

    assert english_page.status_code == chinese_page.status_code == 200
    assert english in english_page.content.decode()
    assert chinese in chinese_page.content.decode()
    assert english not in chinese_page.content.decode()


def test_dates_and_counts_follow_the_language(client, directory):
    english = client.get("/agreements/agreement-0/").content.decode()
    chinese = client.get("/zh-hans/agreements/agreement-0/").content.decode()
    assert ">18 May 2023</time>" in english
    assert ">2023年5月18日</time>" in chinese

    listing = client.get("/zh-hans/agreements/").content.decode()
    assert "3 项协议。" in listing


@pytest.mark.parametrize(
    ("precision", "english", "chinese"),
    [
        ("year", "2023", "2023年"),
        ("month", "May 2023", "2023年5月"),
        ("unknown", "Not stated", "未说明"),
    ],
)
def test_a_date_is_written_at_its_precision_in_each_language(db, precision, english, chinese):
    import datetime

    from partnerships.models.common import format_partial_date

    value = (
        None if precision == "unknown" else datetime.date(2023, 5 if precision == "month" else 1, 1)
    )
    with translation.override("en-gb"):
        assert format_partial_date(value, precision) == english
    with translation.override(CHINESE):
        assert format_partial_date(value, precision) == chinese


def test_bad_input_is_explained_in_chinese(client, directory):
    page = client.get("/zh-hans/agreements/?year=abc&page=9").content.decode()
    assert "“abc”不是 1900 至 2100 之间的年份。" in page
    assert "没有第“9”页" in page


def test_the_not_found_page_is_in_chinese(client, db):
    response = client.get("/zh-hans/no-such-page/")
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()


def test_api_error_messages_follow_the_lang_parameter_and_keys_stay(client, db):
    response = client.get("/api/agreements/?year=abc&lang=zh-hans")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]
    assert "不是 1900 至 2100 之间的年份" in response.json()["errors"]["year"][0]


@pytest.mark.parametrize("language", ["en", CHINESE])
def test_record_addresses_are_what_reverse_gives_in_each_language_and_script_prefix(db, language):
    """Record addresses reuse one reversed pattern per view and language: they must stay
    the addresses ``reverse`` gives, under a script prefix too (a site served below a
    path), and a slug that is not a plain slug still gets ``reverse``'s own answer."""
    from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix

    from partnerships.models.common import slug_address

    institution = InstitutionFactory(slug="peking-union-medical-college-hospital")
    with translation.override(language):
        expected = reverse("institution-detail", kwargs={"slug": institution.slug})
        assert institution.get_absolute_url() == expected
        assert expected.startswith(f"/{language}/")
        set_script_prefix("/directory/")
        try:
            assert institution.get_absolute_url() == (
                f"/directory/{language}/institutions/{institution.slug}/"
            )
        finally:
            clear_script_prefix()
        with pytest.raises(NoReverseMatch):
            slug_address("institution-detail", "not a slug")
