"""A token that changes whenever directory data changes: the key of every cache entry."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, models

SINGLETON_ID = 1

# Within a request (``read_once``), the token read first: a page asks for it in many
# places (page cache, counts, facets, charts), one query each before.
_read = ContextVar("directory_version_read", default=None)


def new_token():
    return uuid.uuid4().hex


class DirectoryVersion(models.Model):
    """One row. Cached pages and counts are keyed by its token, so any committed write
    retires them in every worker and on every host at once, with no cache to clear.

    A fresh random token, not a counter: a counter restarts after a restore and would
    meet old entries of a shared cache under the same keys.
    """

    DERIVED_DATA = True  # Writing it is not a change of the directory.

    token = models.CharField(max_length=32, default=new_token)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SINGLETON_ID), name="directory_version_singleton"
            )
        ]

    def __str__(self):
        return f"Directory version {self.token}"

    @classmethod
    def current(cls):
        read = _read.get()
        if read:
            return read["token"]
        # Every request asks once: written by hand, as the ORM took as long to write the
        # query as the database to answer it.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {cls._meta.db_table} WHERE id = %s", [SINGLETON_ID])
            row = cursor.fetchone()
        token = (row and row[0]) or "empty"
        if read is not None:
            read["token"] = token
        return token

    @classmethod
    def renew(cls):
        token = new_token()
        if not cls.objects.filter(id=SINGLETON_ID).update(token=token):
            cls.objects.update_or_create(id=SINGLETON_ID, defaults={"token": token})
        read = _read.get()
        if read is not None:
            read.clear()  # What this request reads next is the new version.
        return token

    @staticmethod
    @contextmanager
    def read_once():
        """Within this block (a request), the version is read from the database once."""
        reset = _read.set({})
        try:
            yield
        finally:
            _read.reset(reset)
