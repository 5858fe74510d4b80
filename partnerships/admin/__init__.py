"""The admin editors curate the directory in."""

from django.contrib import admin

from . import agreements, focus_areas, institutions, people, sources

admin.site.site_header = "Partnership Directory — editors"
admin.site.site_title = "Partnership Directory — editors"
admin.site.index_title = "Curate the directory"

__all__ = ["agreements", "focus_areas", "institutions", "people", "sources"]
