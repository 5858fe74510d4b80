"""Write the next dated, versioned dump of everything published (see open_data/dumps.py)."""

from django.core.management import BaseCommand

from partnerships.open_data.dumps import write_dump


class Command(BaseCommand):
    help = (
        "Write a dump of every published record and relation: CSV with a Frictionless "
        "datapackage.json and JSON Lines in one zip, a manifest with its size and SHA-256, "
        "and what changed since the previous dump. The site lists the dumps at /data/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            help="Folder of the dumps (default: the OPEN_DATA_DUMPS_DIR setting).",
        )

    def handle(self, *args, directory=None, **options):
        dump = write_dump(directory)
        manifest = dump.manifest
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {dump.archive} ({manifest['bytes']:,} bytes, {rows:,} rows, "
                f"SHA-256 {manifest['sha256']})."
            )
        )
