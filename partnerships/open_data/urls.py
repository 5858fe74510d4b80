"""Downloads of every list, Atom feeds and the sitemap."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from . import feeds, views
from .exports import EXPORTS
from .sitemaps import SITEMAPS

app_name = "open_data"

urlpatterns = [
    *(
        path(f"{kind}/export.{fmt}", views.export, {"kind": kind, "fmt": fmt}, name=f"{kind}-{fmt}")
        for kind in EXPORTS
        for fmt in views.FORMATS
    ),
    path("data/", views.dumps_page, name="dumps"),
    path("data/dumps.json", views.dumps_index, name="dumps-index"),
    path("data/latest.zip", views.latest_dump, name="dump-latest"),
    re_path(
        r"^data/(?P<name>partnerships-[0-9]{4}-[0-9]{2}-[0-9]{2}-v[0-9]+)\.zip$",
        views.dump_file,
        name="dump-file",
    ),
    path("feeds/agreements/", feeds.AgreementFeed(), name="agreement-feed"),
    path(
        "feeds/institutions/<slug:slug>/",
        feeds.InstitutionAgreementFeed(),
        name="institution-feed",
    ),
    path("feeds/fields/<slug:slug>/", feeds.FocusAreaAgreementFeed(), name="focusarea-feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "open_data:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
