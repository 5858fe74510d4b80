"""Tags linking pages to their open data: downloads, feeds and JSON-LD."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from partnerships.citation import cite
from partnerships.licence import data_licence
from partnerships.models import FocusArea, Institution
from partnerships.open_data.exports import EXPORTS
from partnerships.open_data.structured_data import (
    dataset_data,
    json_ld_script,
    structured_data,
)
from partnerships.open_data.views import unknown_parameters
from partnerships.site import absolute_url_builder

register = template.Library()


def _download_query(context):
    """The page's query string without ``page`` and without the values the page ignored,
    so a download holds exactly the rows the page lists, all of them."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    filterset = context.get("filterset")
    if filterset is not None:
        for name in filterset.form.errors:
            params.pop(name, None)
        for name in unknown_parameters(params, type(filterset)):
            params.pop(name, None)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def download_links(context, kind):
    """Links to CSV and JSON of every row the list shows (``kind``: agreements, people…)."""
    spec = EXPORTS[kind]
    query = _download_query(context)
    suffix = f"?{query}" if query else ""
    return render_to_string(
        "open_data/_download_links.html",
        {
            "label": spec.label.lower(),
            "total": context.get("total"),
            "csv_url": reverse(f"open_data:{kind}-csv") + suffix,
            "json_url": reverse(f"open_data:{kind}-json") + suffix,
            "columns_url": reverse("api:docs") + f"#columns-{kind}",
            # Editors see drafts on the list; downloads hold published records only.
            "drafts_listed": kind == "agreements" and context["request"].user.is_staff,
        },
    )


@register.simple_tag(takes_context=True)
def feed_link(context, subject=None):
    """``<link rel="alternate">`` to the Atom feed of all agreements, or of one
    institution's or one field's agreements."""
    if isinstance(subject, Institution):
        url = reverse("open_data:institution-feed", kwargs={"slug": subject.slug})
        title = gettext("New agreements of %(name)s") % {"name": subject.reader_name}
    elif isinstance(subject, FocusArea):
        url = reverse("open_data:focusarea-feed", kwargs={"slug": subject.slug})
        title = gettext("New agreements in %(name)s") % {"name": subject.reader_name}
    else:
        url = reverse("open_data:agreement-feed")
        title = gettext("New agreements")
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">', title, url
    )


@register.simple_tag(takes_context=True)
def json_ld(context, obj):
    """schema.org JSON-LD describing a detail page's record."""
    request = context["request"]
    return json_ld_script(structured_data(obj, absolute_url_builder(request)))


@register.inclusion_tag("includes/_cite.html", takes_context=True)
def cite_this(context, record, version=None):
    """“Cite this record”: text styles, BibTeX and CSL-JSON of this version of the record
    (its newest history entry, or ``version``), with its stable address."""
    return {
        "citation": cite(record, absolute_url_builder(context["request"]), version=version),
        "data_licence": data_licence(),
    }


@register.simple_tag(takes_context=True)
def dataset_json_ld(context):
    """The home page's schema.org ``Dataset``: licence and download links."""
    downloads = [
        (
            "Latest bulk dump (CSV with a Frictionless data package, and JSON Lines)",
            reverse("open_data:dump-latest"),
            "application/zip",
        ),
    ]
    for kind, spec in EXPORTS.items():
        downloads.append((f"{spec.label} (CSV)", reverse(f"open_data:{kind}-csv"), "text/csv"))
        downloads.append(
            (f"{spec.label} (JSON)", reverse(f"open_data:{kind}-json"), "application/json")
        )
    absolute = absolute_url_builder(context["request"])
    return json_ld_script(dataset_data(absolute, data_licence(), downloads))
