"""A counter that changes whenever directory data changes: the key of every cache entry."""

from django.db import models
from django.db.models import F

SINGLETON_ID = 1


class DirectoryVersion(models.Model):
    """One row. Cached facets and counts are keyed by its number, so any edit retires them
    in every worker process at once, with no cache to clear."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SINGLETON_ID), name="directory_version_singleton"
            )
        ]

    def __str__(self):
        return f"Directory version {self.number}"

    @classmethod
    def current(cls):
        return cls.objects.filter(id=SINGLETON_ID).values_list("number", flat=True).first() or 0

    @classmethod
    def bump(cls):
        if not cls.objects.filter(id=SINGLETON_ID).update(number=F("number") + 1):
            cls.objects.get_or_create(id=SINGLETON_ID, defaults={"number": 1})
