from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnership directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals, site  # noqa: F401 - site registers its deploy check.
        from .curation import addresses

        signals.connect()
        addresses.connect()
