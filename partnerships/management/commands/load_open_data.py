"""Load a dump written by dump_open_data into an empty database (see open_data/dumps.py)."""

import time
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from partnerships.open_data.dumps import TABLES, load_dump


class Command(BaseCommand):
    help = (
        "Load a dump (partnerships-DATE-vN.zip) into a database holding no partnerships "
        "records: every table in one transaction, ids and timestamps as dumped; the search "
        "text is rebuilt once at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The dump's zip archive.")

    def handle(self, *args, archive, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"There is no dump at {path}.")
        present = [table.name for table in TABLES if table.model._default_manager.exists()]
        if present:
            raise CommandError(
                f"The database already holds records ({', '.join(present)}). Load a dump "
                "only into an empty database (e.g. a new one after `migrate`)."
            )
        started = time.perf_counter()
        loaded = load_dump(path)
        seconds = time.perf_counter() - started
        rows = ", ".join(f"{name} {count:,}" for name, count in loaded.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {path} in {seconds:.1f} s: {rows}."))
