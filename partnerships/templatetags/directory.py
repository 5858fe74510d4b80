"""Template helpers for the public pages."""

import html
import re

from django import template
from django.core.exceptions import DisallowedHost
from django.utils import formats, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from partnerships.models.common import (
    CHINESE,
    DatePrecision,
    format_partial_date,
    slug_addresses,
)
from partnerships.models.common import web_url as _web_url
from partnerships.models.querysets import attach_card_parts
from partnerships.search import query_words
from partnerships.site import absolute_url as site_absolute_url

register = template.Library()


@register.simple_tag
def highlight(text, query=""):
    """Wrap the words of ``query`` found in ``text`` in <mark>, escaping everything else.

    A tag rather than a filter: pages without a search have no ``query`` at all.
    """
    return highlighter(query)(text)


def highlighter(query):
    """``highlight(text, query)`` as a function of the text, the query's pattern built once."""
    escape = conditional_escape
    words = sorted({w for w in query_words(query) if len(w) > 1}, key=len, reverse=True)
    if not words:
        return lambda text: escape("" if text is None else str(text))
    word = "|".join(re.escape(w) for w in words)
    # Neighbouring matches form one <mark>, so the space between them survives
    # templates that drop whitespace between tags ({% spaceless %}).
    pattern = re.compile(rf"(?:{word})(?:\s+(?:{word}))*", re.IGNORECASE)

    def marked(text):
        text = "" if text is None else str(text)
        pieces, position = [], 0
        for match in pattern.finditer(text):
            pieces.append(escape(text[position : match.start()]))
            pieces.append(format_html("<mark>{}</mark>", match.group(0)))
            position = match.end()
        pieces.append(escape(text[position:]))
        return mark_safe("".join(str(piece) for piece in pieces))

    return marked


@register.filter
def not_stated(value):
    """What a source does not state is said to be so, never left blank."""
    return value if value not in (None, "") else gettext("Not stated")


CURATOR_NOTE = re.compile(r"\s*\[Curator['’]s note:?\s*(?P<note>.*?)\]\s*$", re.DOTALL)


@register.filter
def source_words(quote):
    """The verbatim part of a quote, without the curator's bracketed note."""
    return CURATOR_NOTE.sub("", quote or "")


@register.filter
def curator_note(quote):
    """The curator's note appended to a quote in brackets, if any."""
    match = CURATOR_NOTE.search(quote or "")
    return match.group("note") if match else ""


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` on the site's own origin; empty on a 400 page for a host that is not ours."""
    try:
        return site_absolute_url(context["request"], path)
    except DisallowedHost:
        return ""


@register.filter
def web_url(value):
    """Only http(s) addresses are rendered as links; anything else renders as nothing."""
    return _web_url(value)


@register.filter
def page_section(url_name):
    """The record kind a page belongs to (``agreement-detail`` → ``agreement``), for the menu."""
    return (url_name or "").split("-")[0]


@register.filter
def full_date(value):
    """A full date in the reader's language: 18 May 2023, 2023年5月18日."""
    return format_partial_date(value, DatePrecision.DAY) if value else ""


@register.simple_tag
def party_names(agreement):
    """The parties' names joined with the language's “and”."""
    return gettext(" and ").join(
        reader_text(link.institution) for link in agreement.party_links.all()
    )


def _primary_language(tag):
    return (tag or "").split("-")[0].lower()


def in_language(html, tag):
    """``html`` marked with its language where it differs from the page's."""
    if _primary_language(tag) == _primary_language(translation.get_language()):
        return html
    return format_html('<span lang="{}">{}</span>', tag, html)


@register.filter
def reader_text(record):
    """The record's name in the reader's language (the other language when only that is
    stored), as plain text for titles and attributes."""
    return record.reader_name


@register.simple_tag
def reader_name(record, query=""):
    """The record's name in the reader's language, marked with its language tag when it is
    in the other one, search words highlighted."""
    names = record.names_for_reader()
    if not names:
        return ""
    text, tag = names[0]
    return in_language(highlight(text, query), tag)


@register.simple_tag
def other_name(record, query=""):
    """The record's name in the other language, to show beside the reader's; or nothing."""
    return in_other_language(record.names_for_reader(), highlighter(query))


def in_other_language(names, marked):
    """The second of ``names`` (``names_for_reader``) marked with its language, its words
    highlighted by ``marked`` (``highlighter``); or nothing."""
    if len(names) < 2:
        return ""
    text, tag = names[1]
    return format_html('<span lang="{}">{}</span>', tag, marked(text))


@register.simple_tag
def english(text):
    """Curated text kept in English only (a position title), marked so on a Chinese page."""
    return in_language(conditional_escape(text or ""), "en") if text else ""


class _Cards:
    """What every agreement card of a page shares, found once per request and search
    rather than once per card or link: the reader's language, the addresses' patterns
    (``slug_addresses``), the interface's words, the search words' pattern. Each of
    those read the active language again; a card took 280 µs."""

    def __init__(self, language, query):
        self.page_language = _primary_language(language)
        self.in_chinese = (language or "").lower() == CHINESE
        self.agreement_address = slug_addresses("agreement-detail")
        self.institution_address = slug_addresses("institution-detail")
        self.person_address = slug_addresses("person-detail")
        self.field_address = slug_addresses("focusarea-detail")
        self.marked = highlighter(query)
        self.separator = format_html('<span class="and">{}</span>', gettext(" and "))
        self.draft = format_html(' <span class="badge badge-draft">{}</span>', gettext("Draft"))
        self.not_public = format_html(
            ' <span class="badge badge-draft">{}</span>', gettext("Not public")
        )
        self.fields_label = html.escape(gettext("Fields"))
        self.comma, self.semicolon = html.escape(gettext(", ")), html.escape(gettext("; "))
        self.no_position = html.escape(gettext("Position not stated"))

    @classmethod
    def for_page(cls, context, query):
        language = translation.get_language()
        request = context.get("request")
        # On the request: each card is an included template, whose render state ends
        # with it.
        kept = getattr(request, "_agreement_cards", None)
        if kept is None:
            kept = {}
            if request is not None:
                request._agreement_cards = kept
        key = (language, query)
        if key not in kept:
            kept[key] = cls(language, query)
        return kept[key]

    def name(self, record, marked):
        """``reader_name``: the name in the reader's language, marked with its own where
        that differs, the search words highlighted (``marked``) or not."""
        names = record.names_for_reader(self.in_chinese)
        if not names:
            return ""
        text, tag = names[0]
        html_text = self.marked(text) if marked else html.escape(text)
        if _primary_language(tag) == self.page_language:
            return html_text
        return f'<span lang="{html.escape(tag)}">{html_text}</span>'

    @staticmethod
    def agreements(count):
        """The number of published agreements ("12 agreements"), as the cards' templates
        wrote it with ``blocktranslate``."""
        words = ngettext("%(count)s agreement", "%(count)s agreements", count)
        return words % {"count": escaped(formats.localize(count))}


@register.simple_tag(takes_context=True)
def agreement_card(context, agreement, query=""):
    """One agreement as a card in a list: title, date, kind, status, parties and fields.

    Written here rather than as an included template: a list page draws twenty cards,
    and the template engine spent about 1.2 ms on each, a quarter of an uncached list
    page's Python time, where this takes a fifth of that. Pieces are escaped as Django
    escapes them (``html.escape``), without ``format_html``'s checks for lazy text per
    value (half of a card's time).
    """
    cards = _Cards.for_page(context, query)
    escape = html.escape
    if not hasattr(agreement, "card_parties"):
        # A card alone (pages read theirs together: ``for_cards()``).
        attach_card_parts([agreement])
    parties = cards.separator.join(
        f'<a href="{escape(cards.institution_address(party.slug))}">'
        f"{cards.name(party, marked=True)}</a>"
        for party in agreement.card_parties
    )
    tags = "".join(
        f'<li><a href="{escape(cards.field_address(area.slug))}">'
        f"{cards.name(area, marked=False)}</a></li>"
        for area in agreement.card_fields
    )
    if tags:
        tags = f'<ul class="tags" aria-label="{cards.fields_label}">{tags}</ul>'
    iso = agreement.signed_on_iso
    dated = f' datetime="{escape(iso)}"' if iso else ""
    status = agreement.in_force
    return mark_safe(
        f'<li class="card"><h3 class="card-title">'
        f'<a href="{escape(cards.agreement_address(agreement.slug))}">'
        f"{cards.name(agreement, marked=True)}</a>"
        f"{'' if agreement.is_published else cards.draft}</h3>"
        f'<p class="card-meta"><time{dated}>{escape(agreement.signed_on_display)}</time>'
        f" · {escape(agreement.kind_label)} · "
        f'<span class="status status-{escape(status.status)}">{escape(str(status.card_label))}'
        f'</span></p><p class="card-parties">{parties}</p>{tags}</li>'
    )


@register.simple_tag(takes_context=True)
def institution_card(context, institution, query=""):
    """One institution as a card in a list: its name, kind, place, published agreements
    and its other names, search words highlighted. Written here for the reason
    ``agreement_card`` is: as an included template, the cards were a tenth of a search
    page's time."""
    cards = _Cards.for_page(context, query)
    place = institution.place
    aliases = " · ".join(
        f'<span lang="{escaped(tag)}">{cards.marked(name)}</span>'
        for name, tag in institution.other_names_for_reader()
    )
    return mark_safe(
        '<li class="card"><h3 class="card-title">'
        f'<a href="{escaped(cards.institution_address(institution.slug))}">'
        f"{cards.name(institution, marked=True)}</a>"
        f"{cards.not_public if institution.is_public is False else ''}</h3>"
        f'<p class="card-meta">{escaped(institution.get_kind_display())}'
        f"{' · ' + escaped(place) if place else ''}"
        f" · {cards.agreements(institution.agreement_count)}</p>"
        + (f'<p class="card-aliases">{aliases}</p>' if aliases else "")
        + "</li>"
    )


@register.simple_tag(takes_context=True)
def person_card(context, person, query=""):
    """One person as a card in a list: their name in both languages, search words
    highlighted, their positions (those a reader may see: ``for_list``) and their
    published agreements."""
    cards = _Cards.for_page(context, query)
    other = in_other_language(person.names_for_reader(cards.in_chinese), cards.marked)
    if other:
        other = f' <span class="romanised">{other}</span>'
    positions = cards.semicolon.join(
        f"{english(position.title)}{cards.comma}"
        f'<a href="{escaped(cards.institution_address(position.institution.slug))}">'
        f"{cards.name(position.institution, marked=False)}</a>"
        for position in person.positions.all()
    )
    return mark_safe(
        '<li class="card"><h3 class="card-title">'
        f'<a href="{escaped(cards.person_address(person.slug))}">'
        f"{cards.name(person, marked=True)}{other}</a>"
        f"{cards.not_public if person.is_public is False else ''}</h3>"
        f'<p class="card-meta">{positions or cards.no_position}</p>'
        f'<p class="card-meta">{cards.agreements(person.agreement_count)}</p></li>'
    )


# Facet options are written here rather than in the template's loop: a list page has
# eighty, and the template engine spent 5 ms on them per uncached page. Text is escaped
# as Django escapes it (``html.escape``); numbers are written as they are.


def escaped(value):
    """``value`` as text in markup, escaped exactly as Django escapes it, but without the
    lazy-string checks that made escaping a tenth of the pictures' time."""
    return html.escape(str(value))


def _facet_option(name, option, key):
    checked = " checked" if option.selected else ""
    return (
        f'<input type="checkbox" name="{name}" value="{escaped(option.value)}" '
        f'id="f{key}"{checked}>'
        f'<label for="f{key}">{escaped(option.label)} <span class="count">{option.count}</span>'
        "</label>"
    )


@register.simple_tag
def facet_options(facet, position):
    """A facet's options as checkboxes (sub-fields nested under their field); ``position``
    (the facet's place on the page) keeps every checkbox's id unique."""
    name = escaped(facet.name)
    items = []
    for number, option in enumerate(facet.options, 1):
        children = ""
        if option.children:
            children = "".join(
                f"<li>{_facet_option(name, child, f'{position}-{number}-{place}')}</li>"
                for place, child in enumerate(option.children, 1)
            )
            children = f'<ul class="facet-children">{children}</ul>'
        items.append(f"<li>{_facet_option(name, option, f'{position}-{number}')}{children}</li>")
    return mark_safe("".join(items))
