"""The pictures' repeated markup: a year chart's bars, a network's nodes and edges.

Written here rather than in the templates' loops: a year chart has fifty bars, drawn and
tabled, and a network up to 150 nodes and 200 edges, each with a handful of attributes;
the template engine spent 8 ms on a chart and 30 ms on a network per uncached page, this
a fraction of that. Text is escaped as Django escapes it (``html.escape``); numbers and
coordinates are written as they are, never localised.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..models.common import slug_addresses
from ..network import GRID, count_text
from .directory import escaped

register = template.Library()


def _count(number):
    return escaped(count_text(number))


@register.simple_tag
def chart_bars(chart):
    """The year chart's bars (links to the list for their year) and year labels, as SVG."""
    chosen = gettext(" (chosen)")
    pieces = []
    for bar in chart.bars:
        if bar.count:
            description = escaped(bar.description)
            if bar.selected:
                description += escaped(chosen)
            selected = " selected" if bar.selected else ""
            value = (
                f'<text class="chart-value" x="{bar.centre}%" y="{bar.value_y}" '
                f'text-anchor="middle">{_count(bar.count)}</text>'
                if chart.show_values
                else ""
            )
            pieces.append(
                f'<a href="{escaped(bar.url)}" class="chart-link">'
                f"<title>{description}</title>"
                f'<rect class="chart-hit" x="{bar.x}%" y="0" width="{bar.width}%" '
                f'height="{chart.baseline}"/>'
                f'<rect class="chart-bar{selected}" x="{bar.x}%" y="{bar.y}" '
                f'width="{bar.width}%" height="{bar.height}"/>{value}</a>'
            )
        if bar.labelled:
            pieces.append(
                f'<text class="chart-year" x="{bar.centre}%" y="{chart.year_label_y}" '
                f'text-anchor="middle" aria-hidden="true">{bar.year}</text>'
            )
    return mark_safe("".join(pieces))


@register.simple_tag
def chart_table_rows(chart):
    """The year chart's text alternative: a row per year with agreements."""
    return mark_safe(
        "".join(
            f'<tr><td><a href="{escaped(bar.url)}">{bar.year}</a></td>'
            f"<td>{_count(bar.count)}</td></tr>"
            for bar in chart.bars
            if bar.count
        )
    )


@register.simple_tag
def network_edges(network):
    """The drawn edges, in an ``svg`` of their own stretched over the picture: a line per
    edge, as wide as its co-signed agreements, from one node's centre to the other's in
    thousandths of the drawing (a ``line`` in percent would cost twice the bytes)."""
    lines = "".join(
        f'<path d="M{edge.source.x_grid} {edge.source.y_grid} '
        f'{edge.target.x_grid} {edge.target.y_grid}" stroke-width="{edge.stroke_width}"/>'
        for edge in network.edges
    )
    return mark_safe(
        f'<svg class="network-edges" viewBox="0 0 {GRID} {GRID}" preserveAspectRatio="none" '
        f'aria-hidden="true">{lines}</svg>'
    )


@register.simple_tag
def network_nodes(network):
    """A circle per node, linking to its institution. Its ``title`` names the link for
    screen readers (an SVG link's name comes from it) and shows as a tooltip."""
    address = slug_addresses("institution-detail")  # node.url, read once for all nodes
    pieces = []
    for node in network.nodes:
        centre = " centre" if node.centre else ""
        pieces.append(
            f'<a href="{escaped(address(node.slug))}" '
            f'class="network-node kind-{escaped(node.kind)}{centre}">'
            f"<title>{escaped(node.description)}</title>"
            f'<circle cx="{node.x_percent}%" cy="{node.y_percent}%" r="{node.svg_radius}"/></a>'
        )
    return mark_safe("".join(pieces))


@register.simple_tag
def network_labels(network):
    """The written names of the largest nodes (fewer of them on a phone)."""
    return mark_safe(
        "".join(
            f'<text class="network-label{"" if node.phone_label else " minor"}" '
            f'x="{node.x_percent}%" y="{node.y_percent}%" dy="{node.svg_label_dy}" '
            f'text-anchor="{node.label_anchor}">{escaped(node.short_name)}</text>'
            for node in network.nodes
            if node.labelled
        )
    )


@register.simple_tag
def network_table_rows(network):
    """The drawn edges as table rows: institution, partner, agreements co-signed."""
    return mark_safe(
        "".join(
            f"<tr><td>{escaped(edge.source.reader_name)}</td><td>{escaped(edge.target.reader_name)}"
            f"</td><td>{_count(edge.weight)}</td></tr>"
            for edge in network.edges
        )
    )
