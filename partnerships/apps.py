from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnership directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals
        from .curation import addresses

        signals.connect()
        addresses.connect()
