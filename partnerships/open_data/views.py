"""Download views: the rows of a list page, under its query string, as CSV or JSON."""

from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from .exports import EXPORTS, RowContext, stream_csv, stream_json

FORMATS = {
    "csv": ("text/csv; charset=utf-8", stream_csv),
    "json": ("application/json; charset=utf-8", stream_json),
}


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
    filterset = spec.filterset_class(request.GET, queryset=spec.queryset(), request=request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filter_errors(filterset)}, status=400)
    content_type, stream = FORMATS[fmt]
    response = StreamingHttpResponse(
        stream(spec, filterset.qs, RowContext(site_url(request))), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response
