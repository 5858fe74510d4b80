"""Agreements in force: status arithmetic, the stated end that overrides it, and where it shows."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from partnerships.in_force import (
    AddMonths,
    InForce,
    add_months,
    in_force_condition,
    status_of,
)
from partnerships.models import Agreement, DatePrecision
from partnerships.open_data import exports
from tests.factories import AgreementFactory, InstitutionFactory, SourceFactory

DAY, MONTH, YEAR, UNKNOWN = (
    DatePrecision.DAY,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
    DatePrecision.UNKNOWN,
)
date = datetime.date
timedelta = datetime.timedelta


@pytest.mark.parametrize(
    ("signed_on", "precision", "term", "today", "status", "end", "reason"),
    [
        # A day and a term: the end is a day.
        (date(2023, 5, 18), DAY, 36, date(2026, 5, 17), InForce.IN_FORCE, "2026-05-18",
         "Signed on 18 May 2023 for 3 years: ends on 18 May 2026."),
        (date(2023, 5, 18), DAY, 36, date(2026, 5, 18), InForce.ENDED, "2026-05-18",
         "Signed on 18 May 2023 for 3 years: ends on 18 May 2026."),
        # A month and a term: the end is a month; inside it, nobody can say.
        (date(2023, 12, 1), MONTH, 36, date(2026, 11, 30), InForce.IN_FORCE, "2026-12",
         "Signed in December 2023 for 3 years: ends during December 2026."),
        (date(2023, 12, 1), MONTH, 36, date(2026, 12, 15), InForce.UNKNOWN, "2026-12",
         "Signed in December 2023 for 3 years: ends during December 2026, "
         "so it may or may not be in force today."),
        (date(2023, 12, 1), MONTH, 36, date(2026, 12, 31), InForce.ENDED, "2026-12",
         "Signed in December 2023 for 3 years: ends during December 2026."),
        # Only a year (the example).
        (date(2024, 1, 1), YEAR, 36, date(2026, 12, 31), InForce.IN_FORCE, "2027",
         "Signed in 2024 for 3 years: ends during 2027."),
        (date(2024, 1, 1), YEAR, 36, date(2027, 6, 1), InForce.UNKNOWN, "2027",
         "Signed in 2024 for 3 years: ends during 2027, so it may or may not be in force today."),
        (date(2024, 1, 1), YEAR, 36, date(2028, 1, 1), InForce.ENDED, "2027",
         "Signed in 2024 for 3 years: ends during 2027."),
        # A year and a term that is not whole years: a window across two years.
        (date(2024, 1, 1), YEAR, 18, date(2025, 6, 30), InForce.IN_FORCE, "2025-07/2026-06",
         "Signed in 2024 for 18 months: ends between July 2025 and June 2026."),
        # A day near a month's end: the month's last day, not an overflow.
        (date(2024, 1, 31), DAY, 1, date(2024, 2, 28), InForce.IN_FORCE, "2024-02-29",
         "Signed on 31 January 2024 for 1 month: ends on 29 February 2024."),
        # No term: whatever the precision, the end is unknown.
        (date(2023, 5, 18), DAY, None, date(2024, 1, 1), InForce.UNKNOWN, None,
         "Signed on 18 May 2023; no term is stated, so its end is unknown."),
        (date(2024, 1, 1), YEAR, None, date(2024, 1, 1), InForce.UNKNOWN, None,
         "Signed in 2024; no term is stated, so its end is unknown."),
        # No date: unknown, with or without a term.
        (None, UNKNOWN, 36, date(2024, 1, 1), InForce.UNKNOWN, None,
         "The signing date is not stated, so its end is unknown."),
        (None, UNKNOWN, None, date(2024, 1, 1), InForce.UNKNOWN, None,
         "The signing date is not stated, so its end is unknown."),
    ],
)  # fmt: skip
def test_status_for_every_precision_with_and_without_a_term(
    signed_on, precision, term, today, status, end, reason
):
    result = status_of(signed_on, precision, term, today=today)
    assert (result.status, result.expected_end, result.reason) == (status, end, reason)
    assert not result.end_stated


@pytest.mark.parametrize(
    ("ends_on", "precision", "today", "status", "end"),
    [
        (date(2030, 6, 30), DAY, date(2027, 1, 1), InForce.IN_FORCE, "2030-06-30"),
        (date(2030, 6, 1), MONTH, date(2030, 6, 10), InForce.UNKNOWN, "2030-06"),
        (date(2025, 1, 1), YEAR, date(2027, 1, 1), InForce.ENDED, "2025"),
    ],
)
def test_a_stated_end_or_renewal_overrides_the_term(ends_on, precision, today, status, end):
    # Signed in 2024 for one year: without the stated end it would have ended in 2025.
    result = status_of(date(2024, 1, 1), YEAR, 12, ends_on, precision, today=today)
    assert (result.status, result.expected_end, result.end_stated) == (status, end, True)
    assert result.reason.startswith("A source states that it ends ")


def test_adding_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2023, 5, 18), 36) == date(2026, 5, 18)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 31), 1) == date(2024, 1, 31)


@pytest.fixture
def agreements(db):
    """One agreement of each status on 1 June 2026 (today is passed explicitly below)."""
    source = SourceFactory(slug="renewal-notice")
    a, b = InstitutionFactory(slug="a"), InstitutionFactory(slug="b")
    common = {"parties": [a, b]}
    return {
        "running": AgreementFactory(
            slug="running", signed_on=date(2025, 3, 1), term_months=36, **common
        ),
        "ended": AgreementFactory(
            slug="ended", signed_on=date(2020, 3, 1), term_months=36, **common
        ),
        "no-term": AgreementFactory(slug="no-term", signed_on=date(2025, 3, 1), **common),
        "renewed": AgreementFactory(
            slug="renewed",
            signed_on=date(2020, 3, 1),
            term_months=12,
            ends_on=date(2029, 1, 1),
            ends_on_precision=YEAR,
            ends_on_source=source,
            ends_on_quote="The agreement was renewed until 2029.",
            **common,
        ),
        "year-window": AgreementFactory(
            slug="year-window",
            signed_on=date(2023, 1, 1),
            signed_on_precision=YEAR,
            term_months=36,
            **common,
        ),
    }


def test_the_database_filter_agrees_with_the_computed_status(agreements):
    for today in (date(2026, 6, 1), date(2023, 6, 1), date(2028, 6, 1), date(2031, 1, 1)):
        in_db = set(
            Agreement.objects.filter(in_force_condition(today)).values_list("slug", flat=True)
        )
        computed = {
            agreement.slug
            for agreement in Agreement.objects.all()
            if status_of(
                agreement.signed_on,
                agreement.signed_on_precision,
                agreement.term_months,
                agreement.ends_on,
                agreement.ends_on_precision,
                today=today,
            ).status
            == InForce.IN_FORCE
        }
        assert in_db == computed, today
    assert in_db == set()  # 2031: even the renewal has ended.


def test_the_in_force_today_facet_counts_and_filters(client, agreements):
    today = datetime.date.today()
    expected = {
        slug for slug, agreement in agreements.items() if agreement.in_force.status == "in_force"
    }
    response = client.get(reverse("agreement-list"))
    (facet,) = [f for f in response.context["facets"] if f.name == "in_force"]
    assert [(o.value, o.label, o.count) for o in facet.options] == [
        ("today", "In force today", len(expected))
    ]
    filtered = client.get(reverse("agreement-list"), {"in_force": "today"})
    assert {a.slug for a in filtered.context["object_list"]} == expected
    assert "In force: In force today" in filtered.content.decode()
    assert today.year >= 2026  # the fixture's dates assume a clock past mid-2026
    assert {"running", "renewed"} <= expected


def test_what_is_in_force_today_changes_at_midnight_though_pages_are_remembered(
    client, agreements, monkeypatch
):
    """Counts, page ids and whole pages are remembered per day: on the day "running"
    ends (3 years from 1 March 2025), the cached answers of the day before are not served."""
    real_localdate = timezone.localdate

    def today_is(day):
        monkeypatch.setattr(
            timezone,
            "localdate",
            lambda value=None, timezone=None: (
                day if value is None else real_localdate(value, timezone)
            ),
        )

    def in_force_listed():
        html = client.get(reverse("agreement-list"), {"in_force": "today"}).content.decode()
        return {slug for slug in agreements if f'href="/agreements/{slug}/"' in html}

    def facet_count():
        html = client.get(reverse("agreement-list")).content.decode()
        return int(re.search(r"In force today\s*<span[^>]*>\s*(\d+)", html)[1])

    today_is(date(2028, 2, 29))
    assert "running" in in_force_listed()
    before = facet_count()
    today_is(date(2028, 3, 1))
    assert "running" not in in_force_listed()
    assert facet_count() == before - 1


def test_a_bad_in_force_value_is_ignored_and_said(client, agreements):
    response = client.get(reverse("agreement-list"), {"in_force": "yesterday"})
    assert response.status_code == 200
    assert response.context["total"] == len(agreements)
    assert any("In force" in notice for notice in response.context["notices"])


def test_detail_page_and_cards_show_the_status_and_its_reason(client, agreements):
    html = client.get(agreements["running"].get_absolute_url()).content.decode()
    assert "Signed on 1 March 2025 for 3 years: ends on 1 March 2028." in html
    renewed = client.get(agreements["renewed"].get_absolute_url()).content.decode()
    assert "The agreement was renewed until 2029." in renewed
    assert "renewal-notice" in renewed  # the evidence links to its source
    listing = client.get(reverse("agreement-list")).content.decode()
    assert listing.count('class="status status-in_force"') == 2


def test_downloads_and_the_api_carry_the_status(client, agreements):
    download = b"".join(client.get("/agreements/export.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(download.decode("utf-8-sig"))))
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["running"]["in_force"] == "in_force"
    assert by_slug["running"]["expected_end"] == "2028-03-01"
    assert by_slug["year-window"]["expected_end"] == "2026"
    assert by_slug["no-term"]["in_force"] == "unknown"
    assert by_slug["renewed"]["in_force_reason"].startswith(
        "A source states that it ends during 2029"
    )
    api = client.get("/api/agreements/").json()
    listed = {item["slug"]: item for item in api["results"]}
    assert listed["ended"]["in_force"] == "ended"
    assert listed["ended"]["expected_end"] == "2023-03-01"
    detail = client.get("/api/agreements/renewed/").json()
    assert (detail["in_force"], detail["expected_end"]) == ("in_force", "2029")


def test_an_end_date_needs_its_evidence_and_must_follow_the_signing(db):
    agreement = AgreementFactory.build(
        slug="x", signed_on=date(2024, 5, 1), ends_on=date(2026, 5, 1), ends_on_precision=DAY
    )
    with pytest.raises(ValidationError, match="source and the sentence"):
        agreement.clean()
    agreement.ends_on_source = SourceFactory()
    agreement.ends_on_quote = "It runs until 1 May 2026."
    agreement.ends_on = date(2024, 4, 1)
    with pytest.raises(ValidationError, match="after the signing date"):
        agreement.clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(slug="no-evidence", ends_on=date(2030, 1, 1), ends_on_precision=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(slug="bad-precision", ends_on=date(2030, 3, 4), ends_on_precision=YEAR)


def test_editors_enter_an_end_date_with_its_evidence_in_the_admin(admin_client, agreements):
    from tests.admin_factories import agreement_change_form

    agreement = agreements["ended"]
    # A draft: the publishing rules (evidence of every fact) are tested elsewhere.
    agreement.status, agreement.published_at = "draft", None
    agreement.save()
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    refused = admin_client.post(
        url, agreement_change_form(agreement, ends_on="2030-01-01", ends_on_precision="year")
    )
    assert refused.status_code == 200
    assert "Give the source and the sentence" in refused.content.decode()
    source = SourceFactory(slug="extension")
    saved = admin_client.post(
        url,
        agreement_change_form(
            agreement,
            ends_on="2030-01-01",
            ends_on_precision="year",
            ends_on_source=source.pk,
            ends_on_quote="The two sides extended the agreement to 2030.",
        ),
    )
    assert saved.status_code == 302
    agreement.refresh_from_db()
    assert agreement.in_force.end_stated
    assert agreement.in_force.expected_end == "2030"


@pytest.mark.parametrize(
    ("signed_on", "precision", "term", "today", "reason"),
    [
        (date(2024, 1, 1), YEAR, 36, date(2027, 6, 1),
         "2024年签署，期限3年，于2027年内到期，故目前是否仍然有效无法确定。"),
        (date(2023, 5, 18), DAY, 36, date(2025, 1, 1),
         "2023年5月18日签署，期限3年，于2026年5月18日到期。"),
        (date(2024, 1, 1), YEAR, 18, date(2030, 1, 1),
         "2024年签署，期限18个月，于2025年7月至2026年6月之间到期。"),
        (date(2023, 12, 1), MONTH, None, date(2025, 1, 1),
         "2023年12月签署，未载明期限，故终止日期不详。"),
    ],
)  # fmt: skip
def test_the_reason_is_told_in_chinese_with_chinese_dates(
    signed_on, precision, term, today, reason
):
    with translation.override("zh-hans"):
        result = status_of(signed_on, precision, term, today=today)
        assert result.reason == reason
        assert str(result.label) in ("有效", "已终止", "不详")
        assert status_of(None, DatePrecision.UNKNOWN, 36).card_label == "是否有效：不详"


def test_a_reason_written_once_is_told_again_in_each_readers_language():
    """Reasons are remembered by their inputs and the language: a download writes the
    same one thousands of times, and a Chinese reader must not get the English words."""
    inputs = (date(2023, 5, 18), DAY, 36)
    today = date(2025, 1, 1)
    with translation.override("en"):
        english = status_of(*inputs, today=today).reason
    with translation.override("zh-hans"):
        chinese = status_of(*inputs, today=today).reason
    with translation.override("en"):
        again = status_of(*inputs, today=today).reason
    assert english == again == "Signed on 18 May 2023 for 3 years: ends on 18 May 2026."
    assert chinese.startswith("2023年5月18日签署")


MONTH_ENDS = [
    # (signed on, term in months): a day the target month lacks takes its last day.
    (date(2025, 1, 31), 1),  # 28 February 2025
    (date(2024, 1, 31), 1),  # 29 February 2024 (leap year)
    (date(2024, 2, 29), 12),  # 28 February 2025
    (date(2024, 2, 29), 48),  # 29 February 2028
    (date(2023, 3, 31), 11),  # 29 February 2024
    (date(2024, 8, 31), 3),  # 30 November 2024
    (date(2024, 12, 31), 2),  # 28 February 2025, across a year
    (date(2024, 1, 15), 1),  # a day every month has: unchanged
]


@pytest.mark.parametrize(("signed_on", "term"), MONTH_ENDS)
def test_month_arithmetic_in_sql_matches_python_at_month_ends(db, signed_on, term):
    """SQLite's date() rolls 31 January + 1 month into March; the filter must not."""
    agreement = AgreementFactory(
        slug="month-end", signed_on=signed_on, term_months=term, parties=[InstitutionFactory()]
    )
    expected = add_months(signed_on, term)
    in_sql = (
        Agreement.objects.filter(pk=agreement.pk)
        .annotate(ends=AddMonths(F("signed_on"), F("term_months")))
        .values_list("ends", flat=True)
        .get()
    )
    assert in_sql == expected
    # The day before the end it is in force; on the end day it has ended, in SQL as shown.
    for today, in_force in ((expected - timedelta(days=1), True), (expected, False)):
        assert Agreement.objects.filter(in_force_condition(today)).exists() is in_force, today
        assert (status_of(signed_on, DAY, term, today=today).status == InForce.IN_FORCE) is (
            in_force
        )


@pytest.mark.parametrize("kept", [exports.STATUSES_KEPT, 1])
def test_a_download_gives_each_row_its_own_status_when_rows_share_some_inputs(
    client, agreements, monkeypatch, kept
):
    # A download works each status out once for all rows with the same dates and term
    # (and forgets them past ``kept``): rows that differ in one input only must differ.
    monkeypatch.setattr(exports, "STATUSES_KEPT", kept)
    source = agreements["renewed"].ends_on_source
    parties = {"parties": [InstitutionFactory(slug="c"), InstitutionFactory(slug="d")]}
    signed = {"signed_on": date(2025, 3, 1), "term_months": 36, **parties}
    AgreementFactory(slug="twin-of-running", **signed)
    AgreementFactory(slug="shorter-term", **{**signed, "term_months": 12})
    AgreementFactory(slug="month-only", signed_on_precision=MONTH, **signed)
    AgreementFactory(
        slug="stated-end",
        ends_on=date(2026, 3, 1),
        ends_on_precision=DAY,
        ends_on_source=source,
        ends_on_quote="It ran until 1 March 2026.",
        **signed,
    )

    download = b"".join(client.get("/agreements/export.csv").streaming_content)

    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(download.decode("utf-8-sig")))}
    for agreement in Agreement.objects.all():
        status = agreement.in_force
        row = rows[agreement.slug]
        assert (row["in_force"], row["expected_end"], row["in_force_reason"]) == (
            status.status,
            status.expected_end or "",
            status.reason,
        ), agreement.slug
    assert (
        len(
            {
                rows[slug]["in_force_reason"]
                for slug in ("running", "shorter-term", "month-only", "stated-end")
            }
        )
        == 4
    )
