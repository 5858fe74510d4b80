"""The curated directory says what the five seed documents say, linked and cited.

Each test states one fact a reader relies on. The fixtures are loaded exactly as
`make run` loads them (the ``curated`` fixture of conftest.py).
"""

import datetime

import pytest

from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    DatePrecision,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionRelation,
    NameOrder,
    Participation,
    Person,
    Position,
    Source,
    SourceCredit,
)

pytestmark = pytest.mark.usefixtures("curated")

BEIHANG_PUMC = "beihang-pumc-strategic-cooperation-2023"
USTB_PUTH = "ustb-puth-strategic-cooperation-2023"
HKUST_PUMCH = "hkust-pumch-strategic-cooperation-2024"
NEU_GHNTC = "neu-ghntc-northern-institute-2023"
TJU_TIJMU = "tju-tijmu-strategic-cooperation-2017"

SEED_DOCUMENTS = {
    BEIHANG_PUMC: "000_9d3fe3dbc0afc6b7.txt",
    USTB_PUTH: "001_516b4209d554b848.txt",
    HKUST_PUMCH: "002_7cfde3da59199728.txt",
    NEU_GHNTC: "003_9b991f45d23ed5f4.txt",
    TJU_TIJMU: "004_5aa78f57a761a569.txt",
}
PARTIES = {
    BEIHANG_PUMC: ["beihang", "pumc"],
    USTB_PUTH: ["ustb", "puth"],
    HKUST_PUMCH: ["hkust", "pumch"],
    NEU_GHNTC: ["neu", "ghntc"],
    TJU_TIJMU: ["tju", "tijmu"],
}
CURATOR_NOTE = " [Curator's note: "


def role(agreement, person, role_name):
    return Participation.objects.select_related(
        "position__institution", "on_behalf_of", "source"
    ).get(agreement__slug=agreement, person__slug=person, role=role_name)


def people_in_role(agreement, role_name):
    return list(
        Participation.objects.filter(agreement__slug=agreement, role=role_name)
        .order_by("order")
        .values_list("person__slug", flat=True)
    )


def fields_of(agreement):
    return set(
        AgreementFocusArea.objects.filter(agreement__slug=agreement).values_list(
            "focus_area__slug", flat=True
        )
    )


def position(person, institution, title):
    return Position.objects.get(person__slug=person, institution__slug=institution, title=title)


def verbatim(quote):
    """The part of a quote copied from the source, without the curator's bracketed note."""
    return quote.split(CURATOR_NOTE)[0]


# ---------------------------------------------------------------- the whole directory


def test_there_are_five_published_agreements_one_per_seed_document():
    agreements = Agreement.objects.published()
    assert set(agreements.values_list("slug", flat=True)) == set(SEED_DOCUMENTS)
    assert all(agreement.published_at is not None for agreement in agreements)


def test_every_agreement_cites_its_seed_document():
    for slug, document in SEED_DOCUMENTS.items():
        sources = Agreement.objects.get(slug=slug).sources.all()
        assert [source.document for source in sources] == [document], slug


def test_every_agreement_names_its_two_parties_in_the_order_of_the_source():
    for slug, parties in PARTIES.items():
        links = AgreementParty.objects.filter(agreement__slug=slug).order_by("order")
        assert [link.institution.slug for link in links] == parties, slug
        assert [link.order for link in links] == [1, 2], slug


def test_every_fact_about_an_agreement_cites_that_agreements_source_with_a_quote():
    for agreement in Agreement.objects.all():
        source = agreement.sources.get()
        cited = [
            *agreement.party_links.all(),
            *agreement.focus_links.all(),
            *agreement.established_bodies.all(),
            *agreement.participations.all(),
        ]
        for fact in cited:
            assert fact.source_id == source.pk, fact
            assert fact.quote.strip(), fact


def test_every_participation_and_position_cites_a_source():
    assert not Participation.objects.filter(source__isnull=True).exists()
    assert not Participation.objects.filter(quote="").exists()
    assert not Position.objects.filter(source__isnull=True).exists()
    assert not Position.objects.filter(quote="").exists()


def test_a_quote_quotes_the_role_it_supports():
    """The verbatim part names the person, by given or family name, as the source prints it."""
    for participation in Participation.objects.select_related("person"):
        text = verbatim(participation.quote).lower()
        person = participation.person
        assert person.given_name.lower() in text or person.family_name.lower() in text, (
            participation
        )


def test_curators_notes_are_marked_apart_from_the_verbatim_text():
    quotes = [
        *Participation.objects.values_list("quote", flat=True),
        *Position.objects.values_list("quote", flat=True),
        *InstitutionRelation.objects.values_list("quote", flat=True),
    ]
    for quote in quotes:
        if CURATOR_NOTE in quote:
            assert quote.endswith("]"), quote
            assert "[" not in verbatim(quote), quote


def test_every_participant_acted_in_a_position_they_held_at_the_signing():
    for participation in Participation.objects.select_related("agreement", "position"):
        held = participation.position
        assert held is not None, participation
        assert held.person_id == participation.person_id, participation
        assert held.as_of == participation.agreement.signed_on, participation
        assert held.as_of_precision == participation.agreement.signed_on_precision


def test_each_agreement_has_two_signatories_each_signing_for_a_different_party():
    for slug, parties in PARTIES.items():
        signatures = Participation.objects.filter(agreement__slug=slug, role="signed")
        assert sorted(signatures.values_list("on_behalf_of__slug", flat=True)) == sorted(parties)
    assert not Participation.objects.exclude(role="signed").filter(on_behalf_of__isnull=False)


def test_signing_dates_keep_their_true_precision():
    dates = {
        agreement.slug: (agreement.signed_on_iso, agreement.signed_on_precision)
        for agreement in Agreement.objects.all()
    }
    assert dates == {
        BEIHANG_PUMC: ("2023-05-18", DatePrecision.DAY),
        USTB_PUTH: ("2023-12-25", DatePrecision.DAY),
        HKUST_PUMCH: ("2024", DatePrecision.YEAR),
        NEU_GHNTC: ("2023-03-30", DatePrecision.DAY),
        TJU_TIJMU: ("2017-08-23", DatePrecision.DAY),
    }


def test_only_the_hkust_pumch_agreement_states_a_term():
    terms = dict(Agreement.objects.values_list("slug", "term_months"))
    assert terms == {slug: (36 if slug == HKUST_PUMCH else None) for slug in SEED_DOCUMENTS}


def test_names_keep_family_and_given_apart_without_titles_or_capitals():
    for person in Person.objects.all():
        for name in (person.family_name, person.given_name):
            assert name and " " not in name, person
            assert name[0].isupper() and not name[1:].isupper(), person
            assert not {"Prof", "Mr", "Academician"} & set(name.replace(".", " ").split())


def test_credited_staff_are_source_credits_not_people():
    credited = set(SourceCredit.objects.values_list("name", flat=True))
    assert {"Wang Qing", "Lu Meili", "YANG Lindi", "Lei Chang", "Liu Ziqi"} <= credited
    people = {person.display_name.lower() for person in Person.objects.all()}
    assert not {name.lower() for name in credited} & people


def test_no_document_states_its_own_address_so_no_source_has_a_url():
    assert set(Source.objects.values_list("url", flat=True)) == {""}


def test_identifiers_are_left_empty_until_verified():
    assert set(Institution.objects.values_list("ror_id", flat=True)) == {""}
    assert set(Institution.objects.values_list("wikidata_id", flat=True)) == {""}


def test_every_institution_is_a_party_an_employer_or_linked_to_one():
    for institution in Institution.objects.all():
        assert (
            institution.party_links.exists()
            or institution.positions.exists()
            or institution.relations_from.exists()
            or institution.relations_to.exists()
        ), institution


@pytest.mark.parametrize(
    ("acronym", "slug"),
    [
        ("USTB", "ustb"),
        ("PUTH", "puth"),
        ("HKUST", "hkust"),
        ("PUMCH", "pumch"),
        ("PUMC", "pumc"),
        ("BUAA", "beihang"),
        ("NEU", "neu"),
        ("GHNTC", "ghntc"),
        ("TJU", "tju"),
        ("TIJMU", "tijmu"),
    ],
)
def test_institutions_can_be_found_by_acronym(acronym, slug):
    name = InstitutionName.objects.get(name=acronym, name_type="acronym")
    assert name.institution.slug == slug
    assert name.language == ""


def test_native_script_names_are_labels_with_a_chinese_language_tag():
    labels = InstitutionName.objects.filter(name_type="label")
    assert labels.get(institution__slug="beihang").name == "北京航空航天大学"
    assert labels.get(institution__slug="puth").name == "北京大学第三医院"
    assert set(labels.values_list("language", flat=True)) == {"zh-Hans", "zh-Hant"}


def test_focus_areas_form_at_most_two_levels():
    for field in FocusArea.objects.filter(parent__isnull=False).select_related("parent"):
        assert field.parent.parent_id is None, field


def test_every_sub_field_is_used_by_an_agreement():
    unused = FocusArea.objects.filter(parent__isnull=False, agreement_links__isnull=True)
    assert not unused.exists(), list(unused)


# ---------------------------------------------------------------- 000 Beihang · PUMC


def test_000_is_a_strategic_cooperation_agreement_signed_at_ruxin_conference_center():
    agreement = Agreement.objects.get(slug=BEIHANG_PUMC)
    assert agreement.kind == "strategic_cooperation"
    assert agreement.signed_on == datetime.date(2023, 5, 18)
    assert agreement.place == "Ruxin Conference Center"


def test_000_wang_chen_signed_for_pumc_as_its_president():
    signed = role(BEIHANG_PUMC, "wang-chen", "signed")
    assert signed.on_behalf_of.slug == "pumc"
    assert (signed.position.institution.slug, signed.position.title) == ("pumc", "President")
    assert "on behalf of Peking Union Medical College" in signed.quote


def test_000_wang_chen_was_also_vice_president_of_the_chinese_academy_of_engineering():
    held = position("wang-chen", "cae", "Vice President")
    assert held.as_of == datetime.date(2023, 5, 18)
    assert held.institution.names.filter(name="中国工程院").exists()
    person = Person.objects.get(slug="wang-chen")
    assert (person.family_name, person.given_name, person.honorifics) == (
        "Wang",
        "Chen",
        "Academician",
    )


def test_000_wang_yunpeng_signed_for_beihang_presided_and_spoke():
    assert role(BEIHANG_PUMC, "wang-yunpeng", "signed").on_behalf_of.slug == "beihang"
    assert role(BEIHANG_PUMC, "wang-yunpeng", "presided").position.title == "President"
    assert role(BEIHANG_PUMC, "wang-yunpeng", "spoke")
    assert role(BEIHANG_PUMC, "wang-yunpeng", "attended")


def test_000_li_qing_is_read_as_pumc_vice_president_and_the_quote_says_so():
    held = role(BEIHANG_PUMC, "li-qing", "attended").position
    assert (held.institution.slug, held.title) == ("pumc", "Vice President")
    assert CURATOR_NOTE in held.quote
    assert "Vice President Li Qing" in verbatim(held.quote)


def test_000_twelve_people_witnessed_in_the_order_named():
    assert people_in_role(BEIHANG_PUMC, "witnessed") == [
        "li-qing",
        "zhang-qin",
        "cai-jun",
        "wang-jing",
        "wang-ke",
        "zhong-mei",
        "zhao-changlu",
        "cheng-bo",
        "lyu-weifeng",
        "zhang-yaotian",
        "zhao-weisheng",
        "fan-yubo",
    ]


def test_000_officials_of_academy_institutions_attended_and_those_belong_to_cams():
    for person, institution in [
        ("cai-jun", "fuwai-hospital"),
        ("wang-jing", "cams-ibms"),
        ("wang-ke", "cams-imm"),
        ("zhong-mei", "cams-cancer-hospital"),
    ]:
        assert role(BEIHANG_PUMC, person, "attended").position.institution.slug == institution
        assert InstitutionRelation.objects.filter(
            subject__slug=institution, relation_type="part_of", object__slug="cams"
        ).exists()


def test_000_fan_yubo_is_dean_of_both_beihang_schools():
    for school in ("beihang-bsbme", "beihang-sme"):
        assert position("fan-yubo", school, "Dean")
        assert InstitutionRelation.objects.filter(
            subject__slug=school, relation_type="part_of", object__slug="beihang"
        ).exists()


def test_000_plans_a_union_medical_class():
    body = EstablishedBody.objects.get(agreement__slug=BEIHANG_PUMC)
    assert (body.name, body.kind, body.planned) == ("Union Medical class", "class", True)
    assert 'establish a "Union Medical class"' in body.quote


def test_000_fields_include_high_end_medical_equipment_and_talent_cultivation():
    assert {
        "high-end-medical-equipment",
        "talent-cultivation",
        "medicine-engineering-integration",
        "medical-education",
    } <= fields_of(BEIHANG_PUMC)


def test_000_source_credits_reporters_photographer_reviewer_editors_and_translator():
    source = Source.objects.get(document="000_9d3fe3dbc0afc6b7.txt")
    assert source.published_on == datetime.date(2023, 5, 22)
    assert list(source.credits.values_list("role", "name")) == [
        ("reporter", "Wang Qing"),
        ("reporter", "Shi Yue"),
        ("photographer", "Di Bailu"),
        ("reviewer", "Li Jianwei"),
        ("editor", "Jia Aiping"),
        ("editor", "Lu Meili"),
        ("translator", "Lu Meili"),
    ]


# ---------------------------------------------------------------- 001 USTB · PUTH


def test_001_is_dated_25_december_2023_and_says_the_year_is_inferred():
    agreement = Agreement.objects.get(slug=USTB_PUTH)
    assert agreement.signed_on_display == "25 December 2023"
    assert "2023 is inferred" in agreement.summary
    assert agreement.sources.get().published_on == datetime.date(2024, 1, 2)


def test_001_states_no_venue():
    agreement = Agreement.objects.get(slug=USTB_PUTH)
    assert (agreement.place, agreement.city) == ("", "")


def test_001_vice_presidents_signed_for_puth_and_ustb():
    tang = role(USTB_PUTH, "tang-yida", "signed")
    zhang = role(USTB_PUTH, "zhang-weidong", "signed")
    assert (tang.on_behalf_of.slug, tang.position.title) == ("puth", "Vice President")
    assert (zhang.on_behalf_of.slug, zhang.position.title) == ("ustb", "Vice President")


def test_001_yang_renshu_presided_and_the_chancellors_and_fu_wei_spoke():
    assert people_in_role(USTB_PUTH, "presided") == ["yang-renshu"]
    assert {"wu-guilong", "jin-changxiao", "fu-wei", "yang-renshu"} == set(
        people_in_role(USTB_PUTH, "spoke")
    )
    wu = Person.objects.get(slug="wu-guilong")
    assert (wu.family_name, wu.given_name, wu.honorifics) == ("Wu", "Guilong", "Mr.")


def test_001_eight_officials_attended():
    assert len(people_in_role(USTB_PUTH, "attended")) == 8
    assert role(USTB_PUTH, "sun-jinghong", "attended").position.title == "Vice Chancellor"


def test_001_puth_is_part_of_peking_university():
    relation = InstitutionRelation.objects.get(subject__slug="puth", object__slug="pku")
    assert relation.relation_type == "part_of"


def test_001_source_credits_its_drafter_and_reviser():
    source = Source.objects.get(document="001_516b4209d554b848.txt")
    assert list(source.credits.values_list("role", "name")) == [
        ("drafter", "YANG Lindi"),
        ("reviser", "CHENG Mingyuan"),
    ]


# ---------------------------------------------------------------- 002 HKUST · PUMCH


def test_002_is_dated_2024_with_year_precision_not_1_january():
    agreement = Agreement.objects.get(slug=HKUST_PUMCH)
    assert agreement.signed_on_precision == DatePrecision.YEAR
    assert agreement.signed_on_display == "2024"
    assert agreement.signed_on_iso == "2024"
    assert "no month or day is known" in agreement.summary


def test_002_has_a_three_year_term():
    agreement = Agreement.objects.get(slug=HKUST_PUMCH)
    assert agreement.term_months == 36
    assert agreement.term_display == "3 years"


def test_002_was_signed_in_beijing_at_an_unstated_venue():
    agreement = Agreement.objects.get(slug=HKUST_PUMCH)
    assert (agreement.place, agreement.city) == ("", "Beijing")


def test_002_nancy_ip_is_named_given_name_first_and_signed_for_hkust():
    ip = Person.objects.get(slug="nancy-ip")
    assert (ip.given_name, ip.family_name, ip.name_order) == ("Nancy", "Ip", NameOrder.GIVEN_FIRST)
    assert ip.display_name == "Nancy Ip"
    assert role(HKUST_PUMCH, "nancy-ip", "signed").on_behalf_of.slug == "hkust"
    assert role(HKUST_PUMCH, "nancy-ip", "spoke")


def test_002_zhang_shuyang_signed_for_pumch_as_its_president():
    signed = role(HKUST_PUMCH, "zhang-shuyang", "signed")
    assert signed.on_behalf_of.slug == "pumch"
    assert signed.position.title == "President"


def test_002_four_witnesses_in_the_order_named():
    assert people_in_role(HKUST_PUMCH, "witnessed") == [
        "penger-tong",
        "zhang-qian",
        "wu-peixin",
        "han-ding",
    ]
    assert role(HKUST_PUMCH, "zhang-qian", "witnessed").position.institution.slug == "hkust-isd"


def test_002_zhao_yupei_and_du_bin_held_positions_in_march_2024_but_took_no_part():
    for person, title in [("zhao-yupei", "Honorary President"), ("du-bin", "Vice President")]:
        held = position(person, "pumch", title)
        assert (held.as_of, held.as_of_precision) == (datetime.date(2024, 3, 1), "month")
        assert not Participation.objects.filter(person__slug=person).exists()


def test_002_plans_a_platform_for_research_talent_exchange_and_medical_service():
    body = EstablishedBody.objects.get(agreement__slug=HKUST_PUMCH)
    assert (body.kind, body.planned) == ("platform", True)
    assert "medical service delivery" in body.name
    assert {"talent-and-academic-exchange", "medical-service-delivery", "medtech-innovation"} <= (
        fields_of(HKUST_PUMCH)
    )


def test_002_hkust_is_in_hong_kong_with_the_website_the_release_gives():
    hkust = Institution.objects.get(slug="hkust")
    assert (hkust.city, hkust.region, hkust.country) == ("Hong Kong", "Hong Kong SAR", "China")
    assert hkust.website == "https://hkust.edu.hk/"


def test_002_source_is_an_undated_republished_release():
    source = Source.objects.get(document="002_7cfde3da59199728.txt")
    assert source.published_on is None
    assert source.publisher == "Mirage News"


# ---------------------------------------------------------------- 003 NEU · GHNTC


def test_003_established_the_northern_institute():
    body = EstablishedBody.objects.get(agreement__slug=NEU_GHNTC)
    assert (body.name, body.kind, body.planned) == (
        "Northern Institute of Advanced Medical Research",
        "institute",
        False,
    )


def test_003_is_a_co_establishment_titled_as_the_source_names_it():
    agreement = Agreement.objects.get(slug=NEU_GHNTC)
    assert agreement.kind == "co_establishment"
    assert agreement.title == (
        "Cooperation Agreement between NEU and GHNTC on Co-building the Northern Institute of "
        "Advanced Medical Research"
    )
    assert agreement.place == "NEU International Hotel"


def test_003_presidents_signed_and_two_leaders_unveiled_the_nameplate():
    assert role(NEU_GHNTC, "lu-hui", "signed").on_behalf_of.slug == "ghntc"
    assert role(NEU_GHNTC, "feng-xiating", "signed").on_behalf_of.slug == "neu"
    assert set(people_in_role(NEU_GHNTC, "unveiled")) == {"zhang-wenjiao", "xiong-xiaomei"}
    assert role(NEU_GHNTC, "zhang-wenjiao", "unveiled").position.title == "Political Commissar"


def test_003_wang_xingwei_presided_as_neu_vice_president():
    presided = role(NEU_GHNTC, "wang-xingwei", "presided")
    assert (presided.position.institution.slug, presided.position.title) == (
        "neu",
        "Vice President",
    )


def test_003_fields_are_imaging_informatization_ai_and_humanities():
    assert {
        "medical-imaging",
        "medical-informatization",
        "medical-ai",
        "medical-humanities",
    } <= fields_of(NEU_GHNTC)


def test_003_both_parties_are_in_shenyang():
    places = set(
        Institution.objects.filter(slug__in=["neu", "ghntc"]).values_list("city", "region")
    )
    assert places == {("Shenyang", "Liaoning")}


def test_003_source_credits_its_editors_and_records_the_update_date():
    source = Source.objects.get(document="003_9b991f45d23ed5f4.txt")
    assert source.published_on == datetime.date(2023, 4, 7)
    assert list(source.credits.values_list("role", "name")) == [
        ("editor", "Lei Chang"),
        ("editor", "Yuhui Wang"),
    ]


# ---------------------------------------------------------------- 004 TJU · TIJMU


def test_004_signatories_and_host():
    assert role(TJU_TIJMU, "zhong-denghua", "signed").on_behalf_of.slug == "tju"
    assert role(TJU_TIJMU, "yan-hua", "signed").on_behalf_of.slug == "tijmu"
    hosted = role(TJU_TIJMU, "wang-shuxin", "presided")
    assert (hosted.position.institution.slug, hosted.position.title) == ("tju", "Vice President")
    assert set(people_in_role(TJU_TIJMU, "attended")) == {"li-jiajun", "yao-zhi"}


def test_004_established_a_school_and_plans_a_centre_and_a_platform():
    bodies = {
        body.name: (body.kind, body.planned)
        for body in EstablishedBody.objects.filter(agreement__slug=TJU_TIJMU)
    }
    assert bodies == {
        "School of Medical Science and Engineering": ("school", False),
        "Future Medical Science and Technology Innovation and Transformation Center": (
            "centre",
            True,
        ),
        "Public service platform for large instruments and equipment": ("platform", True),
    }


def test_004_ming_dong_spoke_as_director_of_a_tju_institute():
    spoke = role(TJU_TIJMU, "ming-dong", "spoke")
    assert spoke.position.institution.slug == "tju-imetm"
    assert InstitutionRelation.objects.filter(
        subject__slug="tju-imetm", relation_type="part_of", object__slug="tju"
    ).exists()
    assert CURATOR_NOTE in spoke.quote


def test_004_the_neural_engineering_centre_is_supported_not_established():
    centre = Institution.objects.get(slug="tianjin-neural-engineering-research-centre")
    assert set(centre.relations_from.values_list("object__slug", flat=True)) == {"tju", "tijmu"}
    assert not EstablishedBody.objects.filter(name__icontains="Neural").exists()


def test_004_fields_include_biomedical_engineering_and_intelligent_medicine():
    assert {
        "biomedical-engineering",
        "intelligent-medicine",
        "joint-degree-programmes",
        "clinical-research",
    } <= fields_of(TJU_TIJMU)


def test_004_source_credits_photographer_authors_and_editors():
    source = Source.objects.get(document="004_5aa78f57a761a569.txt")
    assert source.published_on is None
    assert list(source.credits.values_list("role", "name")) == [
        ("photographer", "Chen Xiaojin"),
        ("author", "Liu Ziqi"),
        ("author", "Zhang Xuan"),
        ("editor", "Qin Mian"),
        ("editor", "Christopher Peter Clarke"),
    ]
