"""The admin editors curate the directory in."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from . import agreements, focus_areas, institutions, people, sources

admin.site.site_header = _("Partnership Directory — editors")
admin.site.site_title = _("Partnership Directory — editors")
admin.site.index_title = _("Curate the directory")

# Django's own admin string (the date filter), missing from its Chinese catalogue:
# marked here so that ours translates it.
DATE_FILTER_LABEL = gettext_noop("Filter by %(field_name)s")

__all__ = ["agreements", "focus_areas", "institutions", "people", "sources"]
