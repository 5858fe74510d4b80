from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import i18n, record_versions, views

# Pages, once per language: English unprefixed (canonical), Chinese under /zh-hans/.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("search/", views.search_everything, name="search"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution-list"),
    path(
        "institutions/<slug:slug>/",
        views.InstitutionDetailView.as_view(),
        name="institution-detail",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("fields/", views.FocusAreaListView.as_view(), name="focusarea-list"),
    path("fields/<slug:slug>/", views.FocusAreaDetailView.as_view(), name="focusarea-detail"),
    path("network/", views.network_page, name="network"),
    path("network/edges.csv", views.network_edges_csv, name="network-edges-csv"),
    path("network/network.graphml", views.network_graphml, name="network-graphml"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
    # A record as one history entry kept it, at a stable address for citations.
    *(
        path(
            f"{prefix}/<slug:slug>/versions/<int:history_id>/",
            record_versions.record_version,
            {"kind": kind},
            name=f"{kind}-version",
        )
        for prefix, kind in (
            ("agreements", "agreement"),
            ("institutions", "institution"),
            ("people", "person"),
            ("fields", "focusarea"),
            ("sources", "source"),
        )
    ),
    prefix_default_language=False,
)

# Language-neutral addresses: their labels follow ?lang= or Accept-Language.
urlpatterns += [
    path("language/<str:language>/", i18n.switch_language, name="switch-language"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("api/", include("partnerships.api.urls")),
    path("", include("partnerships.open_data.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "partnerships.errors.bad_request"
handler403 = "partnerships.errors.permission_denied"
handler404 = "partnerships.errors.page_not_found"
handler500 = "partnerships.errors.server_error"
