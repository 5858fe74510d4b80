"""One timestamp format for every way the data leaves the site (API, downloads, dumps).

RFC 3339 in UTC with ``Z`` and microseconds, fixed width: 2024-05-22T08:30:00.000000Z.
Microseconds keep a dump's timestamps exactly those of the database.
"""

import datetime


def format_timestamp(value):
    if value is None:
        return None
    # ``isoformat`` of the naive UTC time, then Z: several times faster than ``strftime``,
    # and a large download writes three per row (the database's are in UTC already).
    if value.tzinfo is not datetime.UTC:
        value = value.astimezone(datetime.UTC)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_timestamp(text):
    return datetime.datetime.fromisoformat(text)
