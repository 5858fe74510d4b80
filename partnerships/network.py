"""The partnership network: institutions as nodes, co-signed agreements as weighted edges.

The graph is read in two grouped queries over the agreement list's filters (the
institutions ranked by agreements, with how many there are in the same pass, and the
co-signed pairs among those kept), laid out on the server with igraph's force-directed
layout, and cached by directory version and filters: an edit retires it. Positions are
fractions of the drawing, so the template places nodes in percentages and keeps labels at
a legible pixel size on any screen. Only published agreements count.
"""

import io
import math
import random
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import igraph
import networkx as nx
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery, Window
from django.utils.translation import get_language, ngettext

from . import partner_pairs
from .models import (
    AgreementParty,
    Institution,
    InstitutionKind,
    InstitutionNameType,
)
from .models.common import choice_label, reads_chinese, slug_address
from .models.querysets import IdArray, in_ids, rows_written_once

MAX_NODES = 150  # the strongest part shown at scale; said on the page
MAX_DRAWN_EDGES = 200  # the heaviest edges among the nodes kept
EGO_PARTNERS = 30  # an institution's own partners on its page…
EGO_SECOND_RING = 30  # …and the partners of those partners
# …linked by its own edges and the heaviest of the others, up to this many in all: past
# it, a hub's 61 nodes carry a thicket of single agreements (1,450 links at 100,000).
EGO_DRAWN_EDGES = 150
LABELLED_NODES = 12  # the largest nodes carry a written name…
PHONE_LABELLED_NODES = 5  # …fewer on a phone, chosen apart so they do not collide there
MARGIN = 0.06  # share of the drawing kept free at each edge
LAYOUT_SEED = 12  # the same data always gives the same picture
# Rounds of the force-directed layout (igraph's default is 500): at 60 the picture of
# 150 institutions and 5,000 links is spread and untangled, in about 9 ms (100: 12 ms).
LAYOUT_ITERATIONS = 60
MIN_RADIUS, MAX_RADIUS = 4, 18  # pixels
GRID = 1000  # positions are written in thousandths of the drawing's width and height
# For keeping labels apart: the drawing's size on a desktop and on a phone (20rem high,
# the width of a 375-pixel screen less the page's margins), and a label's in pixels. On a
# phone, labels stacked a line apart over a crowd of circles read as one blur: each keeps
# a line and a half to itself.
DRAWING_WIDTH, DRAWING_HEIGHT = 720, 576
PHONE_WIDTH, PHONE_HEIGHT = 290, 320
LABEL_CHARACTER_WIDTH, LABEL_HEIGHT, PHONE_LABEL_HEIGHT = 7.5, 15, 24


def count_text(number):
    """``intcomma(number)``: most counts are below a thousand, which no language groups,
    and ``intcomma`` formats by locale (a tenth of a network's table, 84 nodes' tooltips)."""
    return str(number) if -1000 < number < 1000 else intcomma(number)


@lru_cache(maxsize=4096)
def _description(language, kind, agreements):
    """A node's tooltip but its name, the same for every node of that kind and count in a
    language: translated once, not for each of a picture's 150 nodes per page."""
    template = ngettext(
        "%(name)s (%(kind)s): %(count)s agreement",
        "%(name)s (%(kind)s): %(count)s agreements",
        agreements,
    )
    return template % {
        "name": "%(name)s",
        # Any "%" of the kind's label is kept as it is by the name's formatting.
        "kind": choice_label(InstitutionKind, kind).replace("%", "%%"),
        "count": count_text(agreements),
    }


@dataclass
class Node:
    pk: int
    slug: str
    name: str
    short_name: str
    kind: str
    agreements: int
    x: float = 0.5  # fraction of the width
    y: float = 0.5
    labelled: bool = False
    phone_label: bool = False  # also written at phone width
    centre: bool = False
    largest: int = 1  # agreements of the network's largest node, which gets MAX_RADIUS
    name_zh_hans: str = ""  # the GraphML keeps the English name; pages show the reader's

    # What the template writes is computed once per node and request (cached_property):
    # every edge and the table repeat its nodes' coordinates and names.

    @cached_property
    def reader_name(self):
        return self.name_zh_hans if reads_chinese() and self.name_zh_hans else self.name

    @cached_property
    def kind_label(self):
        return choice_label(InstitutionKind, self.kind)

    @cached_property
    def url(self):
        return slug_address("institution-detail", self.slug)

    @property
    def radius(self):
        """Area grows with agreements, relative to the largest node of the picture."""
        share = self.agreements / max(self.largest, 1)
        return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(share), 1)

    @property
    def label_dy(self):
        """Above the circle, or below it near the top edge."""
        if self.y < 0.15:
            return round(self.radius + 14, 1)
        return -round(self.radius + 4, 1)

    # Positions on a grid of thousandths of the drawing, finer than its pixels: circles
    # and names in percent, lines in the same thousandths in a viewBox of their own. So a
    # line ends exactly at its nodes' centres, and network.js finds a line's nodes by them.
    # As text: the template writes them as they are, with no per-number localisation.
    @cached_property
    def x_grid(self):
        return round(self.x * GRID)

    @cached_property
    def y_grid(self):
        return round(self.y * GRID)

    @cached_property
    def x_percent(self):
        return f"{self.x_grid * 100 / GRID:g}"

    @cached_property
    def y_percent(self):
        return f"{self.y_grid * 100 / GRID:g}"

    @cached_property
    def svg_radius(self):
        return f"{self.radius:g}"

    @property
    def svg_label_dy(self):
        return f"{self.label_dy:g}"

    @cached_property
    def label_anchor(self):
        """Labels near a side run inwards, so no name is cut at the drawing's edge."""
        if self.x < 0.25:
            return "start"
        return "end" if self.x > 0.75 else "middle"

    @cached_property
    def description(self):
        return _description(get_language(), self.kind, self.agreements) % {"name": self.reader_name}


@dataclass
class Edge:
    source: Node
    target: Node
    weight: int

    @property
    def stroke_width(self):
        return f"{round(1 + 1.5 * math.log(self.weight), 1):g}"


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]  # drawn and tabled, heaviest first
    institutions_in_scope: int  # every institution party to a counted agreement
    edges_among_nodes: int  # before keeping the heaviest MAX_DRAWN_EDGES
    kinds: list[tuple[str, str]] = field(default_factory=list)  # legend: (code, label)

    @property
    def nodes_cut(self):
        return self.institutions_in_scope > len(self.nodes)

    @property
    def edges_cut(self):
        return self.edges_among_nodes > len(self.edges)


def _nodes(counts):
    """Nodes for ``{institution id: agreements}``, largest first (one query). A node's
    written label is its acronym where the directory knows one (PUMCH), read in the same
    query (a second one cost more than the acronyms' lookups)."""
    ids = list(counts)
    if not ids:
        return []
    acronym = (
        Institution.names.rel.related_model.objects.filter(
            institution=OuterRef("pk"), name_type=InstitutionNameType.ACRONYM
        )
        .order_by("pk")
        .values("name")[:1]
    )
    records = rows_written_once(
        "network-nodes",
        lambda ids: (
            Institution.objects.filter(in_ids("id", ids))
            .annotate(acronym=Subquery(acronym))
            .values_list("pk", "slug", "name", "kind", "name_zh_hans", "acronym")
        ),
        ids,
    )
    nodes = [
        Node(
            pk=pk,
            slug=slug,
            name=name,
            short_name=acronym or (name if len(name) <= 28 else name[:26] + "…"),
            kind=kind,
            agreements=counts[pk],
            name_zh_hans=name_zh_hans,
        )
        for pk, slug, name, kind, name_zh_hans, acronym in records
    ]
    nodes.sort(key=lambda node: (-node.agreements, node.name))
    return nodes


def _pairs(agreements, ids):
    """``[(institution a, institution b, co-signed agreements)]`` among ``ids``, a < b."""
    return list(
        AgreementParty.objects.filter(
            in_ids("institution_id", ids),
            in_ids("agreement__party_links__institution_id", ids),
            agreement__in=agreements.values("pk"),
            institution__lt=F("agreement__party_links__institution"),
        )
        .values_list("institution", "agreement__party_links__institution")
        .annotate(weight=Count("agreement"))
        .order_by()
    )


def _pairs_in(agreement_ids, ids):
    """``_pairs`` of the agreements ``agreement_ids`` (an ``IdArray``), on PostgreSQL: their
    party rows among ``ids`` read once, then paired within each agreement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH found AS MATERIALIZED ("
            f"  SELECT agreement_id, institution_id FROM {AgreementParty._meta.db_table}"
            "   WHERE agreement_id = ANY(%s::bigint[]) AND institution_id = ANY(%s::bigint[])"
            ") SELECT a.institution_id, b.institution_id, count(*) FROM found a"
            " JOIN found b ON a.agreement_id = b.agreement_id"
            " AND a.institution_id < b.institution_id GROUP BY 1, 2",
            [agreement_ids, list(ids)],
        )
        return cursor.fetchall()


def _assemble(nodes, pairs, institutions_in_scope, centre=None):
    by_pk = {node.pk: node for node in nodes}
    pairs = sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))
    edges = [Edge(by_pk[a], by_pk[b], weight) for a, b, weight in pairs]
    # Every link shapes the layout; only the strongest are drawn and tabled.
    _lay_out(nodes, edges, centre)
    edges = _drawn(edges, centre)
    largest = max((node.agreements for node in nodes), default=1)
    for node in nodes:
        node.largest = largest
    if centre is not None:
        by_pk[centre].centre = True
    by_importance = sorted(nodes, key=lambda node: not node.centre)
    _choose_labels(by_importance, LABELLED_NODES, DRAWING_WIDTH, DRAWING_HEIGHT, "labelled")
    _choose_labels(
        [node for node in by_importance if node.labelled],
        PHONE_LABELLED_NODES,
        PHONE_WIDTH,
        PHONE_HEIGHT,
        "phone_label",
        PHONE_LABEL_HEIGHT,
    )
    present = {node.kind for node in nodes}
    kinds = [(code, label) for code, label in InstitutionKind.choices if code in present]
    return Network(nodes, edges, institutions_in_scope, len(pairs), kinds)


def _drawn(edges, centre=None):
    """The ``MAX_DRAWN_EDGES`` heaviest of ``edges`` (heaviest first), where an
    institution's page keeps every edge of its own first (``EGO_DRAWN_EDGES`` in all):
    among hubs that co-sign by the hundred, a small institution's single agreements would
    otherwise all be cut."""
    if centre is None:
        return edges[:MAX_DRAWN_EDGES]
    own = [edge for edge in edges if centre in (edge.source.pk, edge.target.pk)]
    others = [edge for edge in edges if centre not in (edge.source.pk, edge.target.pk)]
    kept = {id(edge) for edge in [*own, *others][:EGO_DRAWN_EDGES]}
    return [edge for edge in edges if id(edge) in kept]


def _label_box(node, drawing_width, drawing_height, label_height=LABEL_HEIGHT):
    """Where the node's written name lies, in fractions of a drawing of that size.

    Labels keep their pixel size while the drawing shrinks, so on a phone the same name
    covers a larger share of it.
    """
    width = LABEL_CHARACTER_WIDTH * len(node.short_name) / drawing_width
    height = label_height / drawing_height
    left = {"start": node.x, "end": node.x - width}.get(node.label_anchor, node.x - width / 2)
    top = node.y + node.label_dy / drawing_height - height
    return left, top, left + width, top + height


def _choose_labels(nodes, limit, drawing_width, drawing_height, flag, label_height=LABEL_HEIGHT):
    """Name (set ``flag`` on) the first nodes whose labels do not overlap one already
    written in a drawing of that size."""
    placed = []
    for node in nodes:
        if len(placed) >= limit:
            break
        box = _label_box(node, drawing_width, drawing_height, label_height)
        if any(
            box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
            for other in placed
        ):
            continue
        setattr(node, flag, True)
        placed.append(box)


_IGRAPH_RANDOMNESS = threading.Lock()


@contextmanager
def _seeded_igraph():
    """igraph's layouts draw random numbers (from Python's ``random`` unless told
    otherwise) even from given starting points: a generator with a fixed seed for the
    while, one layout at a time, gives the same picture for the same graph."""
    with _IGRAPH_RANDOMNESS:
        igraph.set_random_number_generator(random.Random(LAYOUT_SEED))
        try:
            yield
        finally:
            igraph.set_random_number_generator(random)


def _lay_out(nodes, edges, centre=None):
    """Force-directed positions in ``[MARGIN, 1 - MARGIN]``, the same for the same graph:
    igraph's Fruchterman-Reingold, from starting points drawn with a fixed seed. Written
    in C, it lays out the 150 institutions of a network page in a few milliseconds;
    networkx's, in Python and numpy, took 18 ms of a 50 ms uncached page."""
    if not nodes:
        return
    if len(nodes) == 1:
        coordinates = [(0.0, 0.0)]
    else:
        index = {node.pk: place for place, node in enumerate(nodes)}
        graph = igraph.Graph(
            n=len(nodes), edges=[(index[edge.source.pk], index[edge.target.pk]) for edge in edges]
        )
        start = random.Random(LAYOUT_SEED)
        # The page's institution is not pinned: pinned, the others drifted to one side of
        # it. Linked to all of its partners, it settles near their middle by itself.
        with _seeded_igraph():
            coordinates = graph.layout_fruchterman_reingold(
                # Logarithmic pull: a pair with 200 agreements must not crush the picture.
                weights=[1 + math.log(edge.weight) for edge in edges] or None,
                niter=LAYOUT_ITERATIONS,
                seed=[[start.random(), start.random()] for _ in nodes],
                grid="nogrid",
            ).coords
    positions = {node.pk: point for node, point in zip(nodes, coordinates, strict=True)}
    xs = [float(x) for x, _ in positions.values()]
    ys = [float(y) for _, y in positions.values()]
    if centre is not None:
        # The institution of the page stays in the middle (scaling to the extremes alone
        # pushed it into a corner, half cut off): the drawing spans as far on each side.
        cx, cy = (float(v) for v in positions[centre])
        reach_x = max(abs(x - cx) for x in xs) or 1.0
        reach_y = max(abs(y - cy) for y in ys) or 1.0
        xs, ys = [cx - reach_x, cx + reach_x], [cy - reach_y, cy + reach_y]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    for node in nodes:
        x, y = positions[node.pk]
        node.x = round(MARGIN + (1 - 2 * MARGIN) * (float(x) - min(xs)) / span_x, 4)
        node.y = round(MARGIN + (1 - 2 * MARGIN) * (float(y) - min(ys)) / span_y, 4)
        if len(nodes) == 1:
            node.x = node.y = 0.5


def directory_network(agreements=None):
    """The institutions most often party to ``agreements`` (up to ``MAX_NODES``), linked
    by the agreements they co-signed among them. ``None``: every published agreement,
    read from the partner pairs (from the party rows, the whole directory's ranking and
    links took 120 and 130 ms at 100,000 agreements)."""
    if agreements is None:
        ranked, in_scope = partner_pairs.most_active(MAX_NODES)
        counts = dict(ranked)
        return _assemble(_nodes(counts), partner_pairs.among(list(counts)), in_scope)
    if connection.vendor == "postgresql":
        # The filtered agreements found once, as ids, whose party rows the ranking and the
        # links then read: each running the filter itself, the links joined the party
        # rows of the 150 institutions (70,000 for the hubs) before keeping those of the
        # filtered agreements (150 ms for hospitals in a year at 100,000 agreements; 45).
        agreement_ids = IdArray(sorted(agreements.order_by().values_list("pk", flat=True)))
        parties = AgreementParty.objects.filter(in_ids("agreement_id", agreement_ids))

        def links_among(institutions):
            return _pairs_in(agreement_ids, institutions)
    else:
        parties = AgreementParty.objects.filter(agreement__in=agreements.values("pk"))

        def links_among(institutions):
            return _pairs(agreements, institutions)

    # One party row per agreement and institution (a unique constraint): no DISTINCT.
    # COUNT(*) OVER () counts the groups before LIMIT: how many institutions there are,
    # in the same pass over the filtered agreements rather than a second one.
    ranked = list(
        parties.values("institution")
        .annotate(count=Count("agreement"), in_scope=Window(Count("*")))
        .order_by("-count", "institution")
        .values_list("institution", "count", "in_scope")[:MAX_NODES]
    )
    counts = {institution: count for institution, count, _ in ranked}
    in_scope = ranked[0][2] if ranked else 0
    nodes = _nodes(counts)
    return _assemble(nodes, links_among(list(counts)), in_scope)


def institution_network(institution):
    """``institution``, its strongest partners and theirs, linked by co-signed published
    agreements, all read from the partner pairs (``partner_pairs``). A partner's partner
    is the stronger the more agreements it co-signed with the partners together: the
    weight of its links into the first ring, which the picture draws."""
    partners = dict(partner_pairs.strongest(institution.pk, EGO_PARTNERS))
    if not partners:
        return Network([], [], 0, 0)
    known = [institution.pk, *partners]
    second = dict(partner_pairs.most_linked(list(partners), known, EGO_SECOND_RING))
    ids = [*known, *second]
    pairs, counts = partner_pairs.among_with_counts(ids)
    nodes = _nodes({pk: counts.get(pk, 0) for pk in ids})
    return _assemble(nodes, pairs, len(ids), centre=institution.pk)


def graphml(network):
    """The network as GraphML (for Gephi, Cytoscape, networkx…), nodes keyed by slug."""
    graph = nx.Graph()
    for node in network.nodes:
        graph.add_node(
            node.slug, name=node.name, kind=node.kind, agreements=node.agreements, url=node.url
        )
    for edge in network.edges:
        graph.add_edge(edge.source.slug, edge.target.slug, agreements=edge.weight)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()
