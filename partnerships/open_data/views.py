"""Download views: a list page's rows as CSV or JSON, and the bulk dumps."""

from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from partnerships.licence import data_licence
from partnerships.site import absolute_url

from .dumps import TABLES, existing_dumps
from .exports import EXPORTS, RowContext, stream_csv, stream_json

FORMATS = {
    "csv": ("text/csv; charset=utf-8", stream_csv),
    "json": ("application/json; charset=utf-8", stream_json),
}


# Parameters every address takes besides its filters: the page, DRF's format override
# and the language of labels and messages.
PAGING_PARAMETERS = frozenset({"page", "format", "lang"})
UNKNOWN_PARAMETER = "Unknown parameter “{name}”: it is not one this address takes."


def unknown_parameters(params, filterset_class=None):
    """Names in ``params`` that ``filterset_class`` (or, without one, a single record's
    address) does not take, sorted: a typo such as ``institutin`` must not pass silently."""
    known = PAGING_PARAMETERS | set(filterset_class.base_filters if filterset_class else ())
    return sorted(name for name in params if name not in known)


def filter_errors(filterset):
    """``{parameter: [messages]}`` for every query parameter that did not parse."""
    return {name: list(messages) for name, messages in filterset.form.errors.items()}


def site_url(request):
    """The site's address without a trailing slash, to prefix absolute links with."""
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
def export(request, kind, fmt):
    """Every matching row, not a page: the list page shows what was invalid; a script
    fetching a download gets a 400 naming it instead of silently different rows."""
    spec = EXPORTS[kind]
    unknown = unknown_parameters(request.GET, spec.filterset_class)
    if unknown:
        errors = {name: [UNKNOWN_PARAMETER.format(name=name)] for name in unknown}
        return JsonResponse({"errors": errors}, status=400)
    filterset = spec.filterset_class(request.GET, queryset=spec.queryset(), request=request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filter_errors(filterset)}, status=400)
    content_type, stream = FORMATS[fmt]
    response = StreamingHttpResponse(
        stream(spec, filterset.results(), RowContext(site_url(request))), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response


def _dump_listing(dump):
    manifest = dump.manifest
    changes = manifest.get("changes") or {}
    return {
        "name": dump.name,
        "version": manifest["version"],
        "created": manifest["created"],
        "file": manifest["file"],
        "bytes": manifest["bytes"],
        "sha256": manifest["sha256"],
        "licence": manifest["licence"],
        "counts": manifest["counts"],
        "previous": manifest["previous"],
        "changes": changes or None,
        # Only the tables where something changed, for the page.
        "changed_tables": [
            {"table": table, **kinds}
            for table, kinds in changes.items()
            if any(kind["count"] for kind in kinds.values())
        ],
    }


# The list changes when a dump is written, which does not change the directory version:
# not for the page cache.
@never_cache
@require_safe
def dumps_page(request):
    """Every dump with its size, checksum, contents and changes since the one before."""
    listing = [_dump_listing(dump) for dump in existing_dumps()]
    return render(
        request,
        "open_data/dumps.html",
        {"dumps": listing, "licence": data_licence(), "tables": TABLES},
    )


@never_cache
@require_safe
def dumps_index(request):
    """The same list for programs: ``{"licence": …, "dumps": [...]}``, newest first."""
    dumps = []
    for dump in existing_dumps():
        entry = _dump_listing(dump)
        del entry["changed_tables"]
        entry["url"] = absolute_url(request, reverse("open_data:dump-file", args=[dump.name]))
        dumps.append(entry)
    licence = data_licence()
    return JsonResponse(
        {
            "licence": {"spdx": licence.spdx, "title": licence.title, "url": licence.url},
            "dumps": dumps,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@require_safe
def dump_file(request, name):
    dump = next((dump for dump in existing_dumps() if dump.name == name), None)
    if dump is None:
        raise Http404("There is no dump of that name.")
    return FileResponse(dump.archive.open("rb"), as_attachment=True, filename=dump.archive.name)


@never_cache
@require_safe
def latest_dump(request):
    """A stable address of the newest dump: a temporary redirect to its dated file."""
    dumps = existing_dumps()
    if not dumps:
        raise Http404("No dump has been written yet.")
    return redirect("open_data:dump-file", dumps[0].name)
