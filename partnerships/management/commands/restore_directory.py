"""Load a backup_directory file into an empty database, all or nothing."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction

from partnerships import search_documents

from .backup_directory import MODELS


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_directory into a database holding no "
        "partnerships records yet, then rebuild the search documents."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file, e.g. backups/directory.json")

    def handle(self, *args, path, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"There is no backup file at {source}.")
        with transaction.atomic():
            present = [
                f"{model._meta.object_name} ({model._default_manager.count()})"
                for model in MODELS
                if model._default_manager.exists()
            ]
            if present:
                raise CommandError(
                    "The database already holds partnerships records: "
                    f"{', '.join(present)}. Restore only into an empty database "
                    "(e.g. a new one after `migrate`), so that nothing is mixed or overwritten."
                )
            call_command("loaddata", str(source), verbosity=0)
            search_documents.refresh_all()
        counts = ", ".join(
            f"{model._meta.object_name} {model._default_manager.count()}" for model in MODELS
        )
        self.stdout.write(self.style.SUCCESS(f"Restored from {source}: {counts}."))
