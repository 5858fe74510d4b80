"""One timestamp format for every way the data leaves the site (API, downloads, dumps).

RFC 3339 in UTC with ``Z`` and microseconds, fixed width: 2024-05-22T08:30:00.000000Z.
Microseconds keep a dump's timestamps exactly those of the database.
"""

import datetime


def format_timestamp(value):
    if value is None:
        return None
    # ``isoformat`` in UTC ends in +00:00, written Z; several times faster than
    # ``strftime``, and a large download writes three per row.
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def parse_timestamp(text):
    return datetime.datetime.fromisoformat(text)
