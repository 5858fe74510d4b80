"""Content in the reader's language: names, titles, fields, search, order, structured data."""

import json
import re

import pytest

from partnerships.models import Agreement, FocusArea, Institution, Person
from partnerships.search_documents import pinyin
from tests.factories import AgreementFactory, FocusAreaFactory, PersonFactory

CHINESE = "zh-hans"


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def heading(response):
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1)


def test_an_institution_is_named_in_chinese_on_chinese_pages_with_english_beside(client, curated):
    chinese = client.get("/zh-hans/institutions/pumch/").content.decode()
    english = client.get("/institutions/pumch/").content.decode()

    assert "<h1>北京协和医院</h1>" in chinese
    assert '<p class="lead"><span lang="en">Peking Union Medical College Hospital</span>' in chinese
    assert "<title>北京协和医院 · 合作名录</title>" in chinese
    assert "<h1>Peking Union Medical College Hospital</h1>" in english
    assert '<p class="lead"><span lang="zh-Hans">北京协和医院</span>' in english


def test_an_institution_without_a_chinese_name_keeps_its_english_one_marked_as_english(
    client, curated
):
    page = client.get("/zh-hans/institutions/cams-imm/").content.decode()
    assert (
        '<h1><span lang="en">Institute of Materia Medica, Chinese Academy of Medical Sciences'
        "</span></h1>" in page
    )
    assert 'class="lead"><span lang="zh' not in page


def test_agreement_cards_name_the_parties_in_the_readers_language(client, curated):
    page = client.get("/zh-hans/agreements/?institution=pumch").content.decode()
    assert ">北京协和医院</a>" in page
    assert "Peking Union Medical College Hospital</a>" not in page


def test_a_person_with_a_native_name_is_shown_in_characters_with_the_romanised_form(client, db):
    PersonFactory(slug="wang-chen", family_name="Wang", given_name="Chen", native_name="王辰")

    chinese = heading(client.get("/zh-hans/people/wang-chen/"))
    english = heading(client.get("/people/wang-chen/"))

    assert chinese == '王辰 <span class="native"><span lang="en">Wang Chen</span></span>'
    assert english == 'Wang Chen <span class="native"><span lang="zh">王辰</span></span>'


def test_fields_have_curated_chinese_names_on_chinese_pages_and_in_facets(client, curated):
    assert FocusArea.objects.get(slug="medical-education").name_zh_hans == "医学教育"

    fields = client.get("/zh-hans/fields/").content.decode()
    facets = client.get("/zh-hans/agreements/").content.decode()

    assert ">医学教育</a>" in fields
    assert re.search(r'<label for="[^"]+">医学教育与人才 <span class="count">', facets)


def test_an_agreement_with_a_chinese_title_and_summary_shows_them_to_chinese_readers(client, db):
    AgreementFactory(
        slug="pumch-thu",
        title="Strategic cooperation agreement",
        title_zh_hans="战略合作协议",
        summary="The two sides will train doctors together.",
        summary_zh_hans="双方将共同培养医生。",
    )

    chinese = client.get("/zh-hans/agreements/pumch-thu/").content.decode()
    english = client.get("/agreements/pumch-thu/").content.decode()

    assert "<h1>战略合作协议</h1>" in chinese
    assert '<p lang="zh-Hans">双方将共同培养医生。</p>' in chinese
    assert '<p lang="en">The two sides will train doctors together.</p>' in chinese
    assert "<h1>Strategic cooperation agreement</h1>" in english
    assert '<p lang="zh-Hans">' not in english


def test_an_agreement_without_a_chinese_summary_shows_the_english_one_marked_so(client, db):
    AgreementFactory(slug="english-only", summary="Signed in Beijing.")
    page = client.get("/zh-hans/agreements/english-only/").content.decode()
    assert '<p lang="en">Signed in Beijing.</p>' in page


@pytest.mark.parametrize(
    "query",
    ["北京协和医院", "协和医院", "Peking Union", "PUMCH", "xiehe", "Beijing Xiehe", "beijingxiehe"],
)
def test_either_script_and_pinyin_find_the_institution(client, curated, query):
    page = client.get("/zh-hans/institutions/", {"q": query})
    assert "pumch" in [institution.slug for institution in page.context["object_list"]]


def test_pinyin_also_finds_the_agreements_of_an_institution(client, curated):
    response = client.get("/agreements/", {"q": "xiehe"})
    slugs = {
        link.institution.slug
        for a in response.context["object_list"]
        for link in a.party_links.all()
    }
    assert "pumch" in slugs


def test_the_pinyin_of_a_name_is_stored_for_search_and_order(curated):
    assert pinyin("北京协和医院") == "bei jing xie he yi yuan"
    assert Institution.objects.get(slug="tju").name_pinyin == "tian jin da xue"
    assert Institution.objects.get(slug="cams-imm").name_pinyin == ""


def test_sorting_by_name_in_chinese_follows_pinyin(client, curated):
    chinese = client.get("/zh-hans/institutions/", {"sort": "name"}).content.decode()
    english = client.get("/institutions/", {"sort": "name"}).content.decode()

    # 北京… (bei jing) before 天津… (tian jin) before 中国… (zhong guo).
    assert chinese.index(">北京协和医院</a>") < chinese.index(">天津大学</a>")
    assert chinese.index(">天津大学</a>") < chinese.index(">中国工程院</a>")
    # In English by the English names: Chinese Academy…, Peking…, Tianjin….
    assert english.index(">Chinese Academy of Engineering</a>") < english.index(
        ">Peking Union Medical College Hospital</a>"
    )
    assert english.index(">Peking Union Medical College Hospital</a>") < english.index(
        ">Tianjin Medical University</a>"
    )


def test_people_and_fields_sort_by_pinyin_on_chinese_pages_too(client, db):
    # English order: Ip, Wang, Zhao; pinyin order of the characters: 叶 (ye) … 王 (wang)
    # … 赵 (zhao) becomes 王 (wang), 叶 (ye), 赵 (zhao); a person without characters
    # (Adams) goes among them by the English name.
    PersonFactory(slug="zhao", family_name="Zhao", given_name="Ning", native_name="赵宁")
    PersonFactory(slug="ip", family_name="Ip", given_name="Nancy", native_name="叶玉如")
    PersonFactory(slug="wang", family_name="Wang", given_name="Chen", native_name="王辰")
    PersonFactory(slug="adams", family_name="Adams", given_name="Ann")
    FocusAreaFactory(slug="oncology", name="Oncology", name_zh_hans="肿瘤学")
    FocusAreaFactory(slug="cardiology", name="Cardiology", name_zh_hans="心血管病学")
    FocusAreaFactory(slug="anatomy", name="Anatomy", name_zh_hans="解剖学")

    assert Person.objects.get(slug="ip").name_pinyin == "ye yu ru"
    assert FocusArea.objects.get(slug="anatomy").name_pinyin == "jie pou xue"

    def order(page, names):
        return sorted(names, key=page.index)

    people = client.get("/zh-hans/people/").content.decode()
    english_people = client.get("/people/").content.decode()
    assert order(people, [">王辰", ">叶玉如", ">赵宁", ">Adams Ann<"]) == [
        ">Adams Ann<",
        ">王辰",
        ">叶玉如",
        ">赵宁",
    ]
    assert order(english_people, ["Ip Nancy", "Wang Chen", "Zhao Ning"]) == [
        "Ip Nancy",
        "Wang Chen",
        "Zhao Ning",
    ]
    fields = client.get("/zh-hans/fields/").content.decode()
    assert order(fields, [">肿瘤学<", ">心血管病学<", ">解剖学<"]) == [
        ">解剖学<",
        ">心血管病学<",
        ">肿瘤学<",
    ]


def test_structured_data_tags_each_name_with_its_language(client, curated):
    page = client.get("/institutions/pumch/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["@context"] == ["https://schema.org", {"@language": "en"}]
    assert data["name"] == "Peking Union Medical College Hospital"
    assert {"@value": "北京协和医院", "@language": "zh-Hans"} in data["alternateName"]


def test_feeds_carry_the_readers_language_and_names(client, curated):
    chinese = client.get("/feeds/institutions/pumch/", {"lang": CHINESE}).content.decode()
    english = client.get("/feeds/institutions/pumch/").content.decode()

    assert 'xml:lang="zh-hans"' in chinese
    assert "北京协和医院" in re.search(r"<title>(.*?)</title>", chinese).group(1)
    assert 'xml:lang="en-gb"' in english
    assert "Peking Union Medical College Hospital" in re.search(
        r"<title>(.*?)</title>", english
    ).group(1)


def test_editors_curate_the_chinese_names_of_fields_and_agreement_titles(admin_client, db):
    field = FocusAreaFactory(slug="imaging", name="Medical imaging")
    agreement = AgreementFactory(slug="with-title")

    field_form = admin_client.get(f"/admin/partnerships/focusarea/{field.pk}/change/")
    agreement_form = admin_client.get(f"/admin/partnerships/agreement/{agreement.pk}/change/")

    assert 'name="name_zh_hans"' in field_form.content.decode()
    assert 'name="title_zh_hans"' in agreement_form.content.decode()
    assert 'name="summary_zh_hans"' in agreement_form.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).title_zh_hans == ""
