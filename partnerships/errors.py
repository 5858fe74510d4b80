"""Error pages: the site's own HTML, and JSON under /api/ (a 500 included)."""

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "A server error occurred. It has been logged; please try again later.",
}


def _api_error(request, status):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": MESSAGES[status]}, status=status)
    return None


def bad_request(request, exception):
    return _api_error(request, 400) or defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return _api_error(request, 403) or defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return _api_error(request, 404) or defaults.page_not_found(request, exception)


def server_error(request):
    return _api_error(request, 500) or defaults.server_error(request)
