"""Agreements per year: the bar charts on the home, list, institution and field pages."""

import datetime
import re

import pytest
from django.urls import reverse

from partnerships import charts
from partnerships.models import DatePrecision
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
)

LIST_URL = reverse("agreement-list")


@pytest.fixture
def directory(db):
    """Agreements signed on a day, in a month, in a year and on no stated date."""
    pumch = InstitutionFactory(slug="pumch", name="PUMCH", kind="hospital")
    tju = InstitutionFactory(slug="tju", name="Tianjin University", city="Tianjin")
    hkust = InstitutionFactory(slug="hkust", name="HKUST", city="Hong Kong")
    engineering = FocusAreaFactory(slug="engineering", name="Medicine–engineering integration")
    imaging = FocusAreaFactory(slug="imaging", name="Medical imaging", parent=engineering)
    education = FocusAreaFactory(slug="education", name="Medical education")
    day, month, year = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR
    for slug, parties, fields, signed_on, precision in (
        ("a-2023-day", [tju, pumch], [imaging], datetime.date(2023, 3, 30), day),
        ("b-2023-month", [hkust, pumch], [engineering], datetime.date(2023, 12, 1), month),
        ("c-2024-year", [hkust, pumch], [education], datetime.date(2024, 1, 1), year),
        ("d-2020-day", [tju, hkust], [imaging, education], datetime.date(2020, 8, 23), day),
        ("e-undated", [tju, pumch], [imaging], None, DatePrecision.UNKNOWN),
    ):
        AgreementFactory(
            slug=slug,
            parties=parties,
            fields=fields,
            signed_on=signed_on,
            signed_on_precision=precision,
        )
    DraftAgreementFactory(slug="draft-2023", parties=[tju, pumch], fields=[imaging])
    return {"pumch": pumch, "engineering": engineering}


def counts_of(chart):
    return {bar.year: bar.count for bar in chart.bars}


def year_facet(response):
    (facet,) = [f for f in response.context["facets"] if f.name == "year"]
    return {int(option.value): option.count for option in facet.options}


def test_year_only_and_month_only_dates_count_in_their_year_and_undated_apart(client, directory):
    chart = client.get(reverse("home")).context["year_chart"]
    assert counts_of(chart) == {2020: 1, 2021: 0, 2022: 0, 2023: 2, 2024: 1}
    assert chart.undated == 1
    assert chart.total == 5  # Published only: the draft is not counted.


def test_the_list_chart_matches_the_year_facet_under_filters(client, directory):
    for params in ({}, {"institution": "pumch"}, {"field": "engineering", "year": "2023"}):
        response = client.get(LIST_URL, params)
        chart = response.context["year_chart"]
        nonzero = {year: count for year, count in counts_of(chart).items() if count}
        assert nonzero == year_facet(response), params


def test_a_chosen_year_is_marked_and_the_other_years_still_show(client, directory):
    chart = client.get(LIST_URL, {"year": "2023"}).context["year_chart"]
    assert [bar.year for bar in chart.bars if bar.selected] == [2023]
    assert counts_of(chart)[2024] == 1


def test_each_bar_links_to_the_list_of_exactly_its_agreements_under_the_same_filters(
    client, directory
):
    response = client.get(LIST_URL, {"institution": "pumch", "year": "2020", "page": "1"})
    for bar in response.context["year_chart"].bars:
        assert "page=" not in bar.url
        if not bar.count:
            continue
        listed = client.get(bar.url)
        assert listed.context["total"] == bar.count
        assert listed.context["filterset"].active == {"institution": ["pumch"], "year": [bar.year]}


def test_the_chart_is_svg_with_links_and_a_table_of_the_same_numbers(client, directory):
    html = client.get(reverse("home")).content.decode()
    svg = re.search(r"<svg class=\"chart\".*?</svg>\s*</svg>", html, re.DOTALL).group(0)
    links = re.findall(r'<a href="([^"]+)" class="chart-link"><title>([^<]+)</title>', svg)
    assert [label for _, label in links] == [
        "2020: 1 agreement",
        "2023: 2 agreements",
        "2024: 1 agreement",
    ]
    assert links[1][0] == f"{LIST_URL}?year=2023"
    table = re.search(r"<table.*?</table>", html, re.DOTALL).group(0)
    assert re.findall(r"<td>(?:<a [^>]+>)?([^<]+)(?:</a>)?</td><td>(\d+)</td>", table) == [
        ("2020", "1"),
        ("2023", "2"),
        ("2024", "1"),
        ("Not stated", "1"),
    ]
    assert "1 agreement with no stated date is counted apart" in html


def test_an_institution_page_charts_its_own_agreements_and_links_to_them(client, directory):
    chart = client.get(directory["pumch"].get_absolute_url()).context["year_chart"]
    assert counts_of(chart) == {2023: 2, 2024: 1}
    assert chart.undated == 1
    assert chart.bars[0].url == f"{LIST_URL}?institution=pumch&year=2023"


def test_a_field_page_counts_its_sub_fields_in(client, directory):
    response = client.get(directory["engineering"].get_absolute_url())
    chart = response.context["year_chart"]
    assert counts_of(chart) == {2020: 1, 2021: 0, 2022: 0, 2023: 2}
    assert chart.undated == 1
    assert client.get(chart.bars[0].url).context["total"] == 1
    active = [(i.slug, i.count) for i in response.context["active_institutions"]]
    assert active == [("pumch", 3), ("tju", 3), ("hkust", 2)]


def test_with_no_agreement_the_chart_says_so(client, db):
    html = client.get(reverse("home")).content.decode()
    assert "No published agreement yet." in html
    assert '<svg class="chart"' not in html


def test_an_edit_shows_in_the_chart_at_once(client, directory):
    assert counts_of(client.get(reverse("home")).context["year_chart"])[2024] == 1
    AgreementFactory(
        slug="new-2024", parties=[directory["pumch"]], signed_on=datetime.date(2024, 5, 1)
    )
    assert counts_of(client.get(reverse("home")).context["year_chart"])[2024] == 2


@pytest.mark.parametrize(("bars", "step"), [(1, 1), (8, 1), (9, 2), (20, 5), (40, 5), (90, 20)])
def test_year_labels_thin_out_so_they_never_crowd_a_phone(bars, step):
    chart = charts.year_chart([(2000, 1), (2000 + bars - 1, 1)], 0)
    labelled = [bar.year for bar in chart.bars if bar.labelled]
    assert len(chart.bars) == bars
    assert all(year % step == 0 for year in labelled) or bars <= 2
    assert len(labelled) * charts.LABEL_WIDTH <= charts.NARROWEST_CHART + charts.LABEL_WIDTH


def test_bars_fill_the_width_and_the_tallest_reaches_the_top_gridline():
    chart = charts.year_chart([(2021, 3), (2022, 7), (2023, 1)], 0)
    assert chart.bars[0].x > 0
    assert chart.bars[-1].x + chart.bars[-1].width < 100
    assert [line.value for line in chart.gridlines] == [2, 4, 6, 8]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.year == 2022
    assert tallest.height == pytest.approx(charts.PLOT_HEIGHT * 7 / 8)
