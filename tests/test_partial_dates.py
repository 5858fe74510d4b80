import datetime

import pytest

from partnerships.models import DatePrecision
from partnerships.models.common import format_partial_date, partial_date_iso


@pytest.mark.parametrize(
    ("value", "precision", "written", "iso"),
    [
        (datetime.date(2023, 12, 25), DatePrecision.DAY, "25 December 2023", "2023-12-25"),
        (datetime.date(2023, 12, 1), DatePrecision.MONTH, "December 2023", "2023-12"),
        (datetime.date(2024, 1, 1), DatePrecision.YEAR, "2024", "2024"),
        (None, DatePrecision.UNKNOWN, "Not stated", None),
    ],
)
def test_a_date_is_written_only_as_precisely_as_its_source_states_it(
    value, precision, written, iso
):
    assert format_partial_date(value, precision) == written
    assert partial_date_iso(value, precision) == iso
