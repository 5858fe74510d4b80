"""Agreements' full-text vectors, off the wide agreement table."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class AgreementSearch(models.Model):
    """One narrow row per agreement: its weighted full-text vector and whether it is
    published (PostgreSQL only; kept by the write path).

    In the agreement row the vector sat beside the summary, quotes and search text:
    rows too wide to keep it inline, so every search detoasted it from a table of
    300 MB. Here rows are about 1 KB and a search reads, counts and ranks from this
    table alone (at 100,000 agreements, "hospital": 350 ms became about 60 ms).
    """

    DERIVED_DATA = True  # Writing it is not a change of the directory.

    agreement = models.OneToOneField(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_row",
    )
    published = models.BooleanField(default=False)
    # Its GIN index is made by migration 0019, on PostgreSQL only.
    vector = SearchVectorField(null=True)

    def __str__(self):
        return f"search row of agreement {self.agreement_id}"


class AgreementFacets(models.Model):
    """One narrow row per agreement of what its list facets count by (PostgreSQL only;
    see ``partnerships/read_model.py``, which writes and reads it).

    Its arrays (institutions, their kinds and places, fields) are columns that migration
    0020 adds on PostgreSQL only; the model names the key, the flag and the sort keys.
    """

    DERIVED_DATA = True  # Writing it is not a change of the directory.

    agreement = models.OneToOneField(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="facet_row",
    )
    published = models.BooleanField(default=False)
    # The agreement's own, for its order in a list (newest first: ``by_signing_date``),
    # so that a field's page is found, counted and ordered from these rows alone.
    signed_on = models.DateField(null=True)
    title = models.CharField(max_length=300, default="")

    def __str__(self):
        return f"facet row of agreement {self.agreement_id}"


class InstitutionPair(models.Model):
    """How many published agreements two institutions co-signed: one row per ordered
    pair with at least one, so that each institution's partners are read from its own
    rows, and one row per institution with itself, the published agreements it signed
    (kept by the write path: ``partnerships/partner_pairs.py``).

    An institution's network (its partners, theirs, and the links among them) joined
    the party rows of their agreements to each other: at 100,000 agreements a hub
    partner brought thousands of rows, and the links alone took 12–23 ms a page.
    """

    DERIVED_DATA = True  # Writing it is not a change of the directory.

    # The unique constraint's index leads with it: no index of its own.
    institution = models.ForeignKey(
        "partnerships.Institution", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    partner = models.ForeignKey(
        "partnerships.Institution", on_delete=models.CASCADE, related_name="+"
    )
    agreements = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "partner"], name="institution_pair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(agreements__gt=0), name="institution_pair_co_signed"
            ),
        ]
        indexes = [
            # An institution's strongest partners first (ties by id): an index range.
            models.Index(
                fields=["institution", "-agreements", "partner"], name="institution_pair_strongest"
            ),
            # The institutions with the most agreements (their rows with themselves).
            models.Index(
                fields=["-agreements", "institution"],
                condition=models.Q(institution=models.F("partner")),
                name="institution_pair_most_active",
            ),
        ]

    def __str__(self):
        return f"{self.institution_id} and {self.partner_id}: {self.agreements} agreements"
