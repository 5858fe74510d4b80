"""The partnership network: nodes and edges match the agreements, under the list's filters."""

import csv
import datetime
import io
import re
from collections import Counter
from itertools import combinations

import networkx as nx
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from partnerships import network
from partnerships.models import Agreement, AgreementKind, Institution, InstitutionKind
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
)

NETWORK_URL = reverse("network")


@pytest.fixture
def directory(db):
    """Five institutions; agreements of two and three parties, in two fields and years."""
    hub = InstitutionFactory(slug="hub", name="Hub University")
    hospital = InstitutionFactory(
        slug="hospital", name="City Hospital", kind=InstitutionKind.HOSPITAL
    )
    tianjin = InstitutionFactory(slug="tianjin", name="Tianjin Medical", city="Tianjin")
    academy = InstitutionFactory(slug="academy", name="Academy", kind=InstitutionKind.ACADEMY)
    loner = InstitutionFactory(slug="loner", name="Far Institute")
    engineering = FocusAreaFactory(slug="engineering", name="Engineering")
    ai = FocusAreaFactory(slug="medical-ai", name="Medical AI", parent=engineering)
    education = FocusAreaFactory(slug="education", name="Education")
    AgreementFactory(slug="one", parties=[hub, hospital], fields=[ai])
    AgreementFactory(slug="two", parties=[hub, hospital, tianjin], fields=[engineering],
                     signed_on=datetime.date(2020, 1, 1))  # fmt: skip
    AgreementFactory(slug="three", parties=[hub, tianjin], fields=[education],
                     kind=AgreementKind.MEMORANDUM)  # fmt: skip
    AgreementFactory(slug="four", parties=[academy, hospital], fields=[education])
    DraftAgreementFactory(slug="draft", parties=[hub, loner])
    return {"hub": hub, "hospital": hospital, "loner": loner}


def network_svg(html):
    """The picture, its lines' own svg included (it ends before the legend)."""
    return re.search(r'<svg class="network".*?</svg>\s*(?=<ul class="legend")', html, re.DOTALL)[0]


def expected_edges(agreements):
    """Co-signed agreements per pair of slugs, counted straight from the parties."""
    pairs = Counter()
    for agreement in agreements.prefetch_related("parties"):
        slugs = sorted(party.slug for party in agreement.parties.all())
        pairs.update(combinations(slugs, 2))
    return dict(pairs)


def drawn_edges(graph):
    return {
        tuple(sorted((edge.source.slug, edge.target.slug))): edge.weight for edge in graph.edges
    }


def test_the_whole_directory_network_matches_the_published_agreements(client, directory):
    graph = client.get(NETWORK_URL).context["network"]
    published = Agreement.objects.published()
    assert drawn_edges(graph) == expected_edges(published)
    assert {node.slug: node.agreements for node in graph.nodes} == {
        "hub": 3, "hospital": 3, "tianjin": 2, "academy": 1,
    }  # fmt: skip
    assert "loner" not in {node.slug for node in graph.nodes}  # only in a draft
    assert not graph.nodes_cut and not graph.edges_cut

    # Published by update(), which sends no signal: drawn at once, as counted.
    Agreement.objects.filter(slug="draft").update(status="published", published_at=timezone.now())
    graph = client.get(NETWORK_URL).context["network"]
    assert drawn_edges(graph) == expected_edges(Agreement.objects.published())
    assert drawn_edges(graph)[("hub", "loner")] == 1
    assert {node.slug: node.agreements for node in graph.nodes}["hub"] == 4


@pytest.mark.parametrize(
    "params",
    [
        {"field": "engineering"},  # a parent field includes its sub-fields
        {"year": "2020"},
        {"kind": "memorandum"},
        {"institution_kind": "academy"},
        {"city": "Tianjin"},
        {"field": "education", "institution": "hub"},
    ],
)
def test_under_the_lists_filters_the_network_has_exactly_the_listed_agreements(
    client, directory, params
):
    graph = client.get(NETWORK_URL, params).context["network"]
    listed = client.get(reverse("agreement-list"), params).context["filterset"].qs
    assert drawn_edges(graph) == expected_edges(listed)
    counts = Counter(slug for a in listed for slug in a.parties.values_list("slug", flat=True))
    assert {node.slug: node.agreements for node in graph.nodes} == dict(counts)


def test_at_scale_the_strongest_institutions_are_kept_and_the_page_says_so(
    client, directory, monkeypatch
):
    monkeypatch.setattr(network, "MAX_NODES", 2)
    monkeypatch.setattr(network, "MAX_DRAWN_EDGES", 1)
    response = client.get(NETWORK_URL)
    graph = response.context["network"]
    assert {node.slug for node in graph.nodes} == {"hub", "hospital"}
    assert drawn_edges(graph) == {("hospital", "hub"): 2}
    html = response.content.decode()
    assert "Showing the 2 institutions with the most agreements, of 4." in html
    assert "Drawing the 1 strongest links among them, of 1." not in html  # nothing cut there


def test_an_institutions_page_says_when_links_are_left_out(client, directory, monkeypatch):
    hub_page = reverse("institution-detail", args=["hub"])
    assert "strongest links" not in client.get(hub_page).content.decode()
    monkeypatch.setattr(network, "EGO_DRAWN_EDGES", 1)
    cache.clear()  # the network is cached by the directory's version
    response = client.get(hub_page)
    among = response.context["network"].edges_among_nodes
    assert among > 1 and len(response.context["network"].edges) == 1
    assert f"Drawing the 1 strongest links among them, of {among}." in response.content.decode()


def test_nodes_link_to_their_institution_pages(client, directory):
    html = client.get(NETWORK_URL).content.decode()
    svg = network_svg(html)
    links = dict(
        re.findall(r'<a href="([^"]+)" class="network-node[^"]*"><title>([^<]+)</title>', svg)
    )
    assert links["/institutions/hospital/"] == "City Hospital (Hospital): 3 agreements"
    for url, label in links.items():
        assert client.get(url).context["institution"].name == label.split(" (")[0]
    assert "Hospital" in re.search(r'<ul class="legend".*?</ul>', html, re.DOTALL).group(0)


def test_the_table_beside_lists_the_same_edges(client, directory):
    response = client.get(NETWORK_URL)
    graph = response.context["network"]
    slug_of = {node.name: node.slug for node in graph.nodes}
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>(\d+)</td></tr>", response.content.decode()
    )
    tabled = {tuple(sorted((slug_of[a], slug_of[b]))): int(n) for a, b, n in rows}
    assert tabled == drawn_edges(graph)


def test_the_edges_download_as_csv_and_graphml_under_the_same_filters(client, directory):
    params = {"field": "engineering"}
    graph = client.get(NETWORK_URL, params).context["network"]
    response = client.get(reverse("network-edges-csv"), params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {
        tuple(sorted((r["source_slug"], r["target_slug"]))): int(r["co_signed_agreements"])
        for r in rows
    } == drawn_edges(graph)
    graphml = client.get(reverse("network-graphml"), params)
    read = nx.read_graphml(io.BytesIO(graphml.content))
    assert set(read.nodes) == {node.slug for node in graph.nodes}
    assert {tuple(sorted(e)): d["agreements"] for *e, d in read.edges(data=True)} == drawn_edges(
        graph
    )
    assert read.nodes["hub"]["kind"] == "university"


def test_bad_filters_are_ignored_and_said_never_an_error(client, directory):
    response = client.get(NETWORK_URL, {"year": "soon", "field": "no-such-field"})
    assert response.status_code == 200
    notices = " ".join(response.context["notices"])
    assert "Year signed" in notices and "no-such-field" in notices
    assert client.get(reverse("network-edges-csv"), {"year": "x"}).status_code == 200


def test_a_chinese_reader_is_told_of_ignored_filters_in_chinese(client, directory):
    response = client.get("/zh-hans/network/", {"year": "soon", "field": "no-such-field"})
    assert response.status_code == 200
    notices = " ".join(response.context["notices"])
    assert "已忽略此筛选条件" in notices  # the year "soon"
    assert "名录中没有名为“no-such-field”的记录" in notices
    assert "This filter was ignored" not in notices


def test_an_institution_page_draws_its_partners_and_theirs(client, directory):
    graph = client.get(directory["hub"].get_absolute_url()).context["network"]
    slugs = {node.slug for node in graph.nodes}
    assert slugs == {"hub", "hospital", "tianjin", "academy"}  # academy: a partner's partner
    assert [node.slug for node in graph.nodes if node.centre] == ["hub"]
    assert drawn_edges(graph)[("academy", "hospital")] == 1
    html = client.get(directory["loner"].get_absolute_url()).content.decode()
    assert "no network to draw" in html  # its only agreement is a draft


def test_an_edit_redraws_the_network(client, directory):
    before = drawn_edges(client.get(NETWORK_URL).context["network"])
    AgreementFactory(slug="five", parties=[directory["hub"], directory["loner"]])
    after = drawn_edges(client.get(NETWORK_URL).context["network"])
    assert after == {**before, ("hub", "loner"): 1}


def test_circles_grow_with_agreements_up_to_a_fixed_size(directory):
    graph = network.directory_network(Agreement.objects.published())
    radii = {node.slug: node.radius for node in graph.nodes}
    assert radii["hub"] == radii["hospital"] == network.MAX_RADIUS
    assert network.MIN_RADIUS < radii["academy"] < radii["tianjin"] < network.MAX_RADIUS


def test_the_layout_is_the_same_for_the_same_data_and_stays_inside_the_drawing(directory):
    first = network.directory_network(Agreement.objects.published())
    second = network.directory_network(Agreement.objects.published())
    assert [(n.x, n.y) for n in first.nodes] == [(n.x, n.y) for n in second.nodes]
    for node in first.nodes:
        assert network.MARGIN <= node.x <= 1 - network.MARGIN
        assert network.MARGIN <= node.y <= 1 - network.MARGIN


def _crowded_nodes():
    """Forty long-named nodes: more labels than a phone's drawing has room for."""
    nodes = []
    for n in range(40):
        node = network.Node(
            pk=n,
            slug=f"n{n}",
            name=f"Institution number {n}",
            short_name=f"Institution {n:02d}",
            kind=InstitutionKind.UNIVERSITY,
            agreements=40 - n,
        )
        nodes.append(node)
    return nodes


def _overlaps(nodes, width, height, label_height=network.LABEL_HEIGHT):
    boxes = [network._label_box(node, width, height, label_height) for node in nodes]
    return [
        (a, b)
        for a, b in combinations(boxes, 2)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def test_labels_do_not_collide_on_a_desktop_nor_on_a_phone():
    nodes = _crowded_nodes()
    network._assemble(nodes, [], len(nodes))
    desktop = [node for node in nodes if node.labelled]
    phone = [node for node in nodes if node.phone_label]
    assert desktop and phone
    # A phone writes a subset of the desktop labels; CSS hides the rest.
    assert {n.pk for n in phone} <= {n.pk for n in desktop}
    assert len(phone) <= network.PHONE_LABELLED_NODES
    assert not _overlaps(desktop, network.DRAWING_WIDTH, network.DRAWING_HEIGHT)
    assert not _overlaps(
        phone, network.PHONE_WIDTH, network.PHONE_HEIGHT, network.PHONE_LABEL_HEIGHT
    )
    # The desktop choice alone would collide on a phone: hence the second choice.
    assert _overlaps(desktop, network.PHONE_WIDTH, network.PHONE_HEIGHT)


def test_labels_hidden_on_a_phone_are_marked_and_every_node_has_a_tooltip(client, directory):
    html = client.get(NETWORK_URL).content.decode()
    svg = network_svg(html)
    assert svg.count("<title>") == svg.count('class="network-node')
    assert "<title>City Hospital (Hospital): 3 agreements</title>" in svg


def test_an_institution_sits_in_the_middle_of_its_own_network(directory):
    hub = Institution.objects.get(slug="hub")
    graph = network.institution_network(hub)
    centre = next(node for node in graph.nodes if node.centre)
    assert (centre.x, centre.y) == (0.5, 0.5)
    for node in graph.nodes:
        assert network.MARGIN <= node.x <= 1 - network.MARGIN
        assert network.MARGIN <= node.y <= 1 - network.MARGIN


def test_an_institutions_network_has_every_co_signing_among_its_nodes(directory):
    """Node sizes and edges equal what the published agreements' parties say, and a
    party added without a signal (``bulk_create``) is drawn in the next network."""
    from partnerships.models import AgreementParty

    graph = network.institution_network(directory["hub"])
    slugs = {node.slug for node in graph.nodes}
    expected = {
        pair: weight
        for pair, weight in expected_edges(Agreement.objects.published()).items()
        if set(pair) <= slugs
    }
    assert drawn_edges(graph) == expected
    assert {node.slug: node.agreements for node in graph.nodes} == {
        "hub": 3,
        "hospital": 3,
        "tianjin": 2,
        "academy": 1,
    }

    four = Agreement.objects.get(slug="four")
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=four, institution=directory["loner"], order=2)]
    )
    graph = network.institution_network(directory["hub"])
    assert "loner" in {node.slug for node in graph.nodes}  # a partner's partner now
    assert drawn_edges(graph)[("hospital", "loner")] == 1
    assert ("hub", "loner") not in drawn_edges(graph)  # they co-signed only a draft


def test_the_second_ring_holds_the_partners_partners_most_linked_to_the_first(db, monkeypatch):
    """An institution's partners' partners are ranked by their links into the first
    ring (agreements co-signed with each partner, added up), and the rings keep their
    limits: one linked to two partners outranks one linked to a single partner."""
    centre, first, second = (InstitutionFactory(slug=slug) for slug in ("centre", "a", "b"))
    both, one = InstitutionFactory(slug="both"), InstitutionFactory(slug="one")
    AgreementFactory(parties=[centre, first])
    AgreementFactory(parties=[centre, second])
    AgreementFactory(parties=[first, both])
    AgreementFactory(parties=[second, both])
    AgreementFactory(parties=[first, one])
    monkeypatch.setattr(network, "EGO_SECOND_RING", 1)
    graph = network.institution_network(centre)
    assert {node.slug for node in graph.nodes} == {"centre", "a", "b", "both"}
    monkeypatch.setattr(network, "EGO_PARTNERS", 1)
    graph = network.institution_network(centre)
    # One partner (ties by id: "a"); of its partners, "both" and "one" tie at one link.
    assert {node.slug for node in graph.nodes} == {"centre", "a", "both"}


def test_an_institutions_own_edges_are_drawn_before_heavier_ones_among_its_partners(
    directory, monkeypatch
):
    """The drawing keeps only the heaviest edges; on an institution's page its own come
    first, or a small institution among hubs that co-sign by the hundred shows none."""
    monkeypatch.setattr(network, "EGO_DRAWN_EDGES", 2)
    monkeypatch.setattr(network, "MAX_DRAWN_EDGES", 2)
    academy = Institution.objects.get(slug="academy")
    graph = network.institution_network(academy)
    # hub–hospital (2) and hub–tianjin (2) outweigh academy–hospital (1).
    assert drawn_edges(graph) == {("academy", "hospital"): 1, ("hospital", "hub"): 2}
    assert graph.edges_cut
    assert [edge.weight for edge in graph.edges] == [2, 1]  # still heaviest first

    whole = network.directory_network(Agreement.objects.published())
    assert ("academy", "hospital") not in drawn_edges(whole)  # no centre: weight alone


def kept_pairs():
    from partnerships.models import InstitutionPair

    rows = InstitutionPair.objects.values_list("institution__slug", "partner__slug", "agreements")
    return {(a, b): weight for a, b, weight in rows}


def counted_pairs():
    """Co-signed published agreements per ordered pair, and each institution's own (the
    pair with itself), straight from the parties."""
    published = Agreement.objects.published()
    pairs = {
        pair: weight
        for (a, b), weight in expected_edges(published).items()
        for pair in ((a, b), (b, a))
    }
    own = Counter(slug for a in published for slug in a.parties.values_list("slug", flat=True))
    return pairs | {(slug, slug): count for slug, count in own.items()}


@pytest.mark.parametrize("threshold", [5000, 1], ids=["by-institution", "whole-table"])
def test_the_partner_pairs_follow_every_write(directory, monkeypatch, threshold):
    """The pairs an institution's page reads equal the published agreements' parties
    after writes that send no signal (``update()``, ``bulk_create()``), deletes, and
    saves; recounted for the institutions written, or (past the threshold) all."""
    from partnerships import write_path
    from partnerships.models import AgreementParty, AgreementStatus

    monkeypatch.setattr(write_path, "WHOLE_TABLE_THRESHOLD", threshold)
    assert kept_pairs() == counted_pairs()
    assert kept_pairs()[("hub", "hospital")] == 2
    assert kept_pairs()[("hub", "hub")] == 3

    four = Agreement.objects.get(slug="four")
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=four, institution=directory["loner"], order=2)]
    )
    assert kept_pairs()[("loner", "academy")] == 1
    Agreement.objects.filter(slug="two").update(status=AgreementStatus.DRAFT)
    assert kept_pairs()[("hub", "hospital")] == 1
    assert ("tianjin", "hospital") not in kept_pairs()
    AgreementParty.objects.filter(agreement__slug="one", institution__slug="hospital").update(
        institution=directory["loner"]
    )
    assert ("hub", "hospital") not in kept_pairs()
    assert kept_pairs()[("hub", "loner")] == 1
    AgreementParty.objects.filter(agreement__slug="three", institution__slug="tianjin").delete()
    assert kept_pairs() == counted_pairs()
    draft = Agreement.objects.get(slug="draft")
    draft.status, draft.published_at = AgreementStatus.PUBLISHED, timezone.now()
    draft.save()
    assert kept_pairs()[("hub", "loner")] == 2
    four.delete()
    assert ("loner", "academy") not in kept_pairs()
    assert kept_pairs() == counted_pairs()


def test_a_node_is_labelled_by_its_first_acronym_else_by_its_name_cut_short(directory):
    from tests.factories import InstitutionNameFactory

    hub = directory["hub"]
    InstitutionNameFactory(institution=hub, name="HU", name_type="acronym")
    InstitutionNameFactory(institution=hub, name="HUB", name_type="acronym")
    InstitutionNameFactory(institution=hub, name="Hub Uni", name_type="label")
    long_name = "The Very Long Named First Affiliated Hospital"
    Institution.objects.filter(slug="hospital").update(name=long_name)

    labels = {node.slug: node.short_name for node in network.directory_network().nodes}
    assert labels["hub"] == "HU"
    assert labels["hospital"] == long_name[:26] + "…"
    assert labels["tianjin"] == "Tianjin Medical"
