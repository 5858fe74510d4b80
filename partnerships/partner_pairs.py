"""Partner pairs: how many published agreements two institutions co-signed.

``InstitutionPair`` holds one row per ordered pair (both directions), so that an
institution's partners are an index range of its own rows, and one row per institution
paired with itself: the published agreements it signed (the diagonal of the co-signing
matrix). Its page reads its partner list and its network from them: its strongest
partners, their strongest partners, and the links among all of these. Joined from the
party rows instead, every hub among the partners brought thousands of rows: at 100,000
agreements the links alone took 12–23 ms a page, the second ring 9 ms.

The rows are derived data, on both databases: the write path (``write_path.rebuild``)
recounts the pairs a committed write may have changed (a party added, moved or removed;
an agreement published, withdrawn or deleted), whoever made it.
"""

from django.db import connection
from django.db.models import F, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import AgreementParty, AgreementStatus, InstitutionPair
from .models.common import slug_address
from .models.querysets import ListedName, in_ids, rows_written_once

TABLE = InstitutionPair._meta.db_table

# The pairs of the published agreements, counted from their party rows (one row per
# agreement and institution: a unique constraint), where ``{mine}`` holds (a condition
# on the two party rows, ``mine`` and ``theirs``). A party row joined to itself counts
# the institution's own agreements.
_COUNTED = (
    "SELECT mine.institution_id AS institution, theirs.institution_id AS partner, "
    "COUNT(*) AS agreements "
    "FROM partnerships_agreementparty mine "
    "JOIN partnerships_agreementparty theirs ON theirs.agreement_id = mine.agreement_id "
    "JOIN partnerships_agreement agreement ON agreement.id = mine.agreement_id "
    "WHERE agreement.status = %s AND {mine} "
    "GROUP BY mine.institution_id, theirs.institution_id"
)


def refresh(institutions):
    """Recount the pairs among ``institutions`` (ids), or every pair (``None``).

    A write changes only pairs of institutions party to the agreement written (and each
    one's own count): the write path names all of them, those a party row left included,
    so that the pairs among them are all there is to recount (a hub's thousands of other
    pairs stay).
    """
    with connection.cursor() as cursor:
        if institutions is None:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(
                f"INSERT INTO {TABLE} (institution_id, partner_id, agreements) "
                + _COUNTED.format(mine="TRUE"),
                [AgreementStatus.PUBLISHED],
            )
            return
        ids = sorted(institutions)
        if not ids:
            return
        among = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE institution_id IN ({among}) AND partner_id IN ({among})",
            ids + ids,
        )
        both = f"mine.institution_id IN ({among}) AND theirs.institution_id IN ({among})"
        cursor.execute(
            f"INSERT INTO {TABLE} (institution_id, partner_id, agreements) "
            + _COUNTED.format(mine=both),
            [AgreementStatus.PUBLISHED, *ids, *ids],
        )


def institutions_of(agreements):
    """The institutions party to ``agreements`` (ids): their pairs change with the
    agreements' status."""
    if not agreements:
        return set()
    return set(
        AgreementParty.objects.filter(agreement__in=agreements).values_list(
            "institution", flat=True
        )
    )


def strongest(institution, limit):
    """``[(partner id, agreements co-signed)]`` of ``institution`` (an id), most first,
    ties by id: at most ``limit``."""
    return rows_written_once(
        f"strongest-{limit}",
        lambda institution: (
            InstitutionPair.objects.filter(institution=institution)
            .exclude(partner=institution)
            .order_by("-agreements", "partner")
            .values_list("partner", "agreements")[:limit]
        ),
        institution,
    )


def strongest_partners(institution, limit):
    """The partners of ``institution`` (an id) most often co-signing with it (ties by
    name), as :class:`Partner` values with ``shared`` (the agreements co-signed): at most
    ``limit``."""
    rows = rows_written_once(
        f"strongest-partners-{limit}",
        lambda institution: (
            InstitutionPair.objects.filter(institution=institution)
            .exclude(partner=institution)
            .order_by("-agreements", "partner__name", "partner")
            .values_list("partner__slug", "partner__name", "partner__name_zh_hans", "agreements")[
                :limit
            ]
        ),
        institution,
    )
    return [Partner(slug, name, name_zh_hans, shared) for slug, name, name_zh_hans, shared in rows]


class Partner(ListedName):
    """A partner as an institution's page lists it: its names, its page and the
    agreements it co-signed with the institution (``shared``)."""

    __slots__ = ("shared",)

    def __init__(self, slug, name, name_zh_hans, shared):
        super().__init__(slug, name, name_zh_hans)
        self.shared = shared

    def get_absolute_url(self):
        return slug_address("institution-detail", self.slug)


def most_linked(institutions, excluded, limit):
    """``[(institution id, links)]``: the partners of ``institutions`` (ids) other than
    ``excluded``, by their agreements co-signed with all of those together (the weight of
    their links to them), most first, ties by id: at most ``limit``."""
    return rows_written_once(
        f"most-linked-{limit}",
        lambda institutions, excluded: (
            InstitutionPair.objects.filter(in_ids("institution_id", institutions))
            .exclude(in_ids("partner_id", excluded))
            .values("partner")
            .annotate(links=Sum("agreements"))
            .order_by("-links", "partner")
            .values_list("partner", "links")[:limit]
        ),
        institutions,
        excluded,
    )


def among(institutions):
    """``[(a, b, agreements co-signed)]`` for the pairs of ``institutions`` (ids), a < b."""
    return among_with_counts(institutions)[0]


def among_with_counts(institutions):
    """``(among(institutions), agreement_counts(institutions))`` from one read of their
    rows: the pairs a < b and the diagonal a = b."""
    pairs, counts = [], {}
    rows = rows_written_once(
        "among",
        lambda institutions: InstitutionPair.objects.filter(
            in_ids("institution_id", institutions),
            in_ids("partner_id", institutions),
            institution__lte=F("partner"),
        ).values_list("institution", "partner", "agreements"),
        institutions,
    )
    for a, b, agreements in rows:
        if a == b:
            counts[a] = agreements
        else:
            pairs.append((a, b, agreements))
    return pairs, counts


def agreement_counts(institutions):
    """``{institution id: published agreements}`` for ``institutions`` (ids) that signed
    any: their rows with themselves."""
    return dict(
        rows_written_once(
            "agreement-counts",
            lambda institutions: InstitutionPair.objects.filter(
                in_ids("institution_id", institutions), partner=F("institution")
            ).values_list("institution", "agreements"),
            institutions,
        )
    )


def agreement_count(institution):
    """Published agreements of one institution (its id): its row with itself."""
    return agreement_counts([institution]).get(institution, 0)


def most_active(limit, ties_by_name=False):
    """``([(institution id, published agreements)], institutions that signed any)``: the
    ``limit`` institutions with the most (ties by id, or by name), and how many signed
    at least one."""
    own = InstitutionPair.objects.filter(partner=F("institution"))
    if ties_by_name:
        # Only those with at least the limit-th count are joined to their names.
        least = own.order_by("-agreements").values("agreements")[limit - 1 : limit]
        ranked = own.filter(agreements__gte=Coalesce(Subquery(least), Value(0))).order_by(
            "-agreements", "institution__name", "institution"
        )
    else:
        ranked = own.order_by("-agreements", "institution")
    return list(ranked.values_list("institution", "agreements")[:limit]), own.count()
