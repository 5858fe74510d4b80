"""/api/: the human page, the OpenAPI schema, and read-only records by slug."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("people", views.PersonViewSet, basename="person")
router.register("fields", views.FocusAreaViewSet, basename="focusarea")

urlpatterns = [
    path("", views.docs, name="docs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
    # Last: any other address ending in a slash is a JSON 404 (without the slash,
    # APPEND_SLASH still redirects /api/agreements to /api/agreements/ first).
    re_path(r"^(?P<path>.+/)$", views.not_found, name="not-found"),
]
